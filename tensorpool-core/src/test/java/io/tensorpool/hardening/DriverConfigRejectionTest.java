package io.tensorpool.hardening;

import io.tensorpool.driver.DriverConfigException;
import io.tensorpool.driver.DriverConfigLoader;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Config findings of {@code DriverConfigFuzzTest}, pinned as plain tests. */
class DriverConfigRejectionTest
{
    /** A profile whose pool would exceed the 2 GiB mapping limit is a config error, not a ShmValidationException. */
    @Test
    void profileLargerThanTheMappingLimitIsAConfigError()
    {
        final String toml = """
            [profiles.huge]
            header_nslots = 1024
            payload_pools = [ { pool_id = 1, stride_bytes = 4194304 } ]
            """;
        final DriverConfigException ex = assertThrows(DriverConfigException.class,
            () -> DriverConfigLoader.parse(toml, Map.of()));
        assertTrue(ex.getMessage().contains("4294967360"), ex.getMessage());
    }
}
