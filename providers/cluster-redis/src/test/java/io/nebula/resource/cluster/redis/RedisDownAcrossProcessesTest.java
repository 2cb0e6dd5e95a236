package io.nebula.resource.cluster.redis;

import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * Issue #13's "stop Redis under load" on three JVM processes: the cluster's private {@code redis-server} killed with
 * SIGKILL under load (its connections refused at once), then started again on its port without its data. The
 * scenario and what it asserts: {@link RedisOutageAcrossProcesses}.
 */
class RedisDownAcrossProcessesTest extends RedisOutageAcrossProcesses {

    @Test
    void withTheClustersRedisKilledUnderLoadNoAcquisitionWaitsPastTheBoundLocalLimitsApplyAndTheClusterResumes()
            throws Exception {
        // the restart loses the data: the kept leases are claimed again by node-1's heartbeat
        runUnderLoad(new Outage("killed", "the kill", "the restart", PrivateRedis::kill, PrivateRedis::start,
                Duration.ofSeconds(2)));
    }
}
