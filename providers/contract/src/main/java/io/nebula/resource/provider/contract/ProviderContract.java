package io.nebula.resource.provider.contract;

import io.nebula.resource.ConfigProblem;
import io.nebula.resource.HealthStatus;
import io.nebula.resource.ResourceSettings;
import io.nebula.resource.Secret;
import io.nebula.resource.spi.CheckDepth;
import io.nebula.resource.spi.ResourceProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * What every provider must do, checked against its real backend. A provider's test extends this,
 * says how to reach the backend ({@link #settings()}), and how to provoke one real fatal and one
 * real non-fatal error; the rest is common.
 *
 * @param <R> the provider's instance type
 */
public abstract class ProviderContract<R> {

    private final List<R> created = new ArrayList<>();

    /** A fresh provider, as the engine would load it. */
    protected abstract ResourceProvider<R> provider();

    /** Valid settings reaching the real backend on localhost. */
    protected abstract ResourceSettings settings();

    /**
     * Settings with one or more bad keys and the relative keys that must be named in the problems,
     * e.g. a bad URL and a bad port.
     */
    protected abstract InvalidSettings invalidSettings();

    /** Uses a destroyed (closed) instance and returns the error the client raised. */
    protected abstract Throwable useClosedInstance(R destroyed) throws Exception;

    /** Provokes an error on a healthy instance that does not break it (a bad query, a missing key). */
    protected abstract Throwable provokeNonFatalError(R instance) throws Exception;

    /** Does one real operation with the instance and asserts its effect. */
    protected abstract void useInstance(R instance) throws Exception;

    /** A secret value that {@link #settings()} holds, or {@code null} if the backend needs none. */
    protected String secretValue() {
        return null;
    }

    /** Settings as {@link #settings()} but with a secret added, for the masking checks. */
    protected ResourceSettings settingsWithSecret() {
        String secret = secretValue();
        return secret == null ? settings().with("password", "s3cr3t-Never-Shown") : settings();
    }

    public record InvalidSettings(ResourceSettings settings, Set<String> badKeys) {
    }

    protected final R create() throws Exception {
        R r = provider().create(settings());
        created.add(r);
        return r;
    }

    @AfterEach
    void destroyCreated() {
        ResourceProvider<R> p = provider();
        created.forEach(p::destroy);
        created.clear();
    }

    @Test
    void isFoundByServiceLoaderUnderItsKind() {
        String kind = provider().kind();
        boolean found = false;
        for (ResourceProvider<?> p : ServiceLoader.load(ResourceProvider.class)) {
            found |= p.kind().equals(kind) && p.getClass().equals(provider().getClass());
        }
        assertThat(found).as("META-INF/services registers %s for kind %s", provider().getClass(), kind).isTrue();
    }

    @Test
    void validSettingsHaveNoProblems() {
        assertThat(provider().validate(settings())).isEmpty();
    }

    @Test
    void invalidSettingsNameEveryBadKey() {
        InvalidSettings bad = invalidSettings();
        List<ConfigProblem> problems = provider().validate(bad.settings());
        assertThat(problems).extracting(ConfigProblem::key)
                .containsAll(bad.badKeys().stream().map(bad.settings()::keyOf).toList());
    }

    @Test
    void createsAnInstanceOfItsTypeThatWorks() throws Exception {
        R r = create();
        assertThat(r).isInstanceOf(provider().type());
        useInstance(r);
    }

    @Test
    void shallowAndDeepChecksAreUpOnAHealthyInstance() throws Exception {
        R r = create();
        HealthStatus shallow = provider().check(r, CheckDepth.SHALLOW);
        HealthStatus deep = provider().check(r, CheckDepth.DEEP);
        assertThat(shallow.status()).as("shallow: %s", shallow).isEqualTo(HealthStatus.Status.UP);
        assertThat(deep.status()).as("deep: %s", deep).isEqualTo(HealthStatus.Status.UP);
    }

    @Test
    void recycleKeepsAHealthyInstanceUsable() throws Exception {
        R r = create();
        useInstance(r);
        assertThat(provider().recycle(r)).isTrue();
        useInstance(r);
    }

    @Test
    void destroyedInstanceIsDownAndDestroyIsIdempotent() throws Exception {
        ResourceProvider<R> p = provider();
        R r = p.create(settings());
        p.destroy(r);
        assertThatCode(() -> p.destroy(r)).doesNotThrowAnyException();
        assertThat(p.check(r, CheckDepth.SHALLOW).status()).isEqualTo(HealthStatus.Status.DOWN);
    }

    @Test
    void errorsFromAClosedInstanceAreFatal() throws Exception {
        ResourceProvider<R> p = provider();
        R r = p.create(settings());
        p.destroy(r);
        Throwable error = useClosedInstance(r);
        assertThat(error).as("using a closed instance must fail").isNotNull();
        assertThat(p.isFatal(error)).as("isFatal(%s)", error).isTrue();
    }

    @Test
    void ordinaryErrorsAreNotFatal() throws Exception {
        R r = create();
        Throwable error = provokeNonFatalError(r);
        assertThat(error).as("the provoked error").isNotNull();
        assertThat(provider().isFatal(error)).as("isFatal(%s)", error).isFalse();
        useInstance(r); // and the instance still works
    }

    @Test
    void secretsNeverShowInSettingsInstancesOrProblems() throws Exception {
        ResourceSettings s = settingsWithSecret();
        String secret = secretValue() != null ? secretValue() : "s3cr3t-Never-Shown";
        assertThat(s.toString()).doesNotContain(secret).contains(Secret.MASK);
        assertThat(provider().validate(s).toString()).doesNotContain(secret);
        assertThat(provider().validate(invalidSettings().settings()).toString()).doesNotContain(secret);
        R r = create();
        assertThat(String.valueOf(r)).doesNotContain(secret);
        assertThat(provider().check(r, CheckDepth.DEEP).toString()).doesNotContain(secret);
    }
}
