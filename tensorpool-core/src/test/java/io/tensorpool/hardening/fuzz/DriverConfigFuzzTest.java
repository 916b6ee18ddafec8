package io.tensorpool.hardening.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.tensorpool.driver.DriverConfigException;
import io.tensorpool.driver.DriverConfigLoader;
import io.tensorpool.driver.ShmDriver;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of the TOML driver configuration loader (Driver §17). Property: a config is either turned
 * into a concluded {@link ShmDriver.Context} or rejected with a {@link DriverConfigException} carrying a message;
 * no other exception escapes (a parser exception would surface to the operator as a stack trace).
 */
class DriverConfigFuzzTest
{
    @FuzzTest(maxDuration = "60s")
    void driverConfig(final byte[] data)
    {
        final String toml = new String(data, StandardCharsets.UTF_8);
        final ShmDriver.Context ctx;
        try
        {
            ctx = DriverConfigLoader.parse(toml, Map.of());
        }
        catch (final DriverConfigException rejected)
        {
            assertNotNull(rejected.getMessage());
            assertFalse(rejected.getMessage().isEmpty());
            return;
        }
        assertNotNull(ctx.instanceId());
        assertTrue(ctx.shmBaseDir().isAbsolute(), "shm base dir must be absolute: " + ctx.shmBaseDir());
    }
}
