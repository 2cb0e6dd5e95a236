package io.nebula.resource.core.declared;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.ConfigProblems;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.core.credential.CredentialSettings;
import io.nebula.resource.core.credential.CredentialSources;
import io.nebula.resource.core.tenant.TenantLimits;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ConfigKey;
import io.nebula.resource.spi.CredentialSource;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 16 point 4: the key definitions docs/configuration.md is made from say what deployment does. A key's
 * documented default, written out, gives what leaving the key out gives; a value that is not of a key's documented type
 * is a problem naming that key.
 */
class KeyDefinitionsTest {

    private static final String SOURCE = "settings";
    private static final ResourceProvider<Object> PROVIDER = new ResourceProvider<>() {
        @Override
        public String kind() {
            return "plain";
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public Class<Object> type() {
            return (Class) Object.class;
        }

        @Override
        public Object create(ResourceSettings settings) {
            return new Object();
        }

        @Override
        public HealthStatus check(Object instance, CheckDepth depth) {
            return HealthStatus.up();
        }

        @Override
        public void destroy(Object instance) {
        }
    };
    private static final Map<String, CredentialSource> SOURCES = CredentialSources.installed(KeyDefinitionsTest.class.getClassLoader());

    static Stream<ConfigKey> withDefault() {
        return ResourceKeys.DEFINITIONS.values().stream().flatMap(List::stream).filter(k -> k.defaultValue() != null);
    }

    static Stream<ConfigKey> typed() {
        return ResourceKeys.DEFINITIONS.values().stream().flatMap(List::stream)
                .filter(k -> switch (k.type()) {
                    case INTEGER, NUMBER, BOOLEAN, DURATION, CHOICE -> true;
                    default -> false;
                });
    }

    @ParameterizedTest
    @MethodSource("withDefault")
    void theDocumentedDefaultIsWhatTheKeyLeftOutGives(ConfigKey key) {
        Map<String, String> written = Map.of(key.name(), key.defaultValue());

        assertThat(problems(written)).as(key.name() + "=" + key.defaultValue()).isEmpty();
        assertThat(readBack(written)).as(key.name() + "=" + key.defaultValue()).isEqualTo(readBack(Map.of()));
    }

    @ParameterizedTest
    @MethodSource("typed")
    void aValueNotOfTheDocumentedTypeIsAProblemNamingTheKey(ConfigKey key) {
        assertThat(problems(Map.of(key.name(), "not-a-" + key.type().configName())))
                .extracting(ConfigProblem::key).contains(ResourceSettings.PREFIX + "r." + key.name());
    }

    /** Every problem deployment reports for a resource of these keys (those of the resource, tenants and credentials). */
    private static List<ConfigProblem> problems(Map<String, String> values) {
        ResourceSettings settings = settings(values);
        ConfigProblems problems = new ConfigProblems();
        ResourceDeclaration.parse(settings, ProviderCatalog.of(PROVIDER), problems);
        List<ConfigProblem> all = new ArrayList<>(problems.list());
        all.addAll(TenantLimits.problems(settings));
        all.addAll(CredentialSettings.problems(settings, SOURCE, SOURCES));
        return all;
    }

    /** Every value read from these keys, by what reads it. */
    private static Map<String, Object> readBack(Map<String, String> values) {
        ResourceSettings settings = settings(values);
        ResourceDeclaration d = ResourceDeclaration.parse(settings, ProviderCatalog.of(PROVIDER), new ConfigProblems())
                .orElseThrow();
        Map<String, Object> read = new TreeMap<>();
        read.putAll(properties("pool", d.pool()));
        read.putAll(properties("resilience", d.resilience()));
        read.putAll(properties("health", d.health()));
        read.putAll(properties("tenant", TenantLimits.from(settings)));
        read.putAll(properties("tenant.quota", TenantLimits.from(settings).quota()));
        read.putAll(properties("credentials", CredentialSettings.from(settings, SOURCE, SOURCES)));
        read.put("scope", d.scope());
        read.put("eager", d.eager());
        read.put("start.required", d.startRequired());
        return read;
    }

    /** What the public accessors of {@code o} return. */
    private static Map<String, Object> properties(String prefix, Object o) {
        Map<String, Object> values = new HashMap<>();
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() == 0 && !Modifier.isStatic(m.getModifiers()) && m.getReturnType() != void.class
                    && m.getDeclaringClass() == o.getClass() && !m.getName().equals("toBuilder")
                    && !m.getName().equals("hashCode")) {
                try {
                    values.put(prefix + "." + m.getName(), m.invoke(o));
                } catch (ReflectiveOperationException e) {
                    throw new AssertionError(e);
                }
            }
        }
        assertThat(values).as(prefix).isNotEmpty();
        return values;
    }

    private static ResourceSettings settings(Map<String, String> values) {
        return ResourceSettings.of("r", PROVIDER.kind(), values);
    }
}
