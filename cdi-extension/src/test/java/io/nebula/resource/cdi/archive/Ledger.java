package io.nebula.resource.cdi.archive;

import io.nebula.resource.Action;
import io.nebula.resource.ExecutionScoped;
import io.nebula.resource.NebulaResource;
import io.nebula.resource.Resources;
import io.nebula.resource.cdi.testing.TestConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** An application bean of the archive: found by scanning it, not added by the test. */
@ApplicationScoped
public class Ledger {

    @Inject
    @NebulaResource("ledger-db")
    TestConnection db;

    @Inject
    Resources resources;

    @Inject
    Journal journal;

    @Action(resources = "ledger-db")
    public String post(String entry) {
        journal.add(entry);
        return db.query(entry) + " (active " + resources.find("ledger-db").orElseThrow().pool().active() + ")";
    }

    public int journalSize() {
        return journal.size();
    }

    /** The entries of one execution. */
    @ExecutionScoped
    public static class Journal {
        private final java.util.List<String> entries = new java.util.ArrayList<>();

        public void add(String entry) {
            entries.add(entry);
        }

        public int size() {
            return entries.size();
        }
    }
}
