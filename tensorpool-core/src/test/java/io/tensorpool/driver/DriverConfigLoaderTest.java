package io.tensorpool.driver;

import io.tensorpool.shm.MappedRegion;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class DriverConfigLoaderTest
{
    private static final String MINIMAL = "[profiles.p]\npayload_pools = [ { pool_id = 1, stride_bytes = 4096 } ]\n";

    @Test
    void exampleConfigLoadsWithEveryKey()
    {
        final Path example = Path.of(System.getProperty("user.dir")).resolveSibling("docs/examples/driver.toml");
        final ShmDriver.Context ctx = DriverConfigLoader.load(example, Map.of());
        assertEquals("driver-01", ctx.instanceId());
        assertEquals(1000, ctx.controlStreamId());
        assertEquals(1000, ctx.announceStreamId());
        assertEquals(IdRange.of(20000, 29999), ctx.streamIdRange());
        assertEquals(IdRange.of(31000, 31999), ctx.descriptorStreamIdRange());
        assertEquals("camera", ctx.defaultProfile());
        assertEquals(64, ctx.profiles().get("camera").headerNslots());
        assertArrayEquals(new int[]{65536, 1048576, 4194304}, ctx.profiles().get("camera").strideBytes());
        assertEquals(2, ctx.streams().size());
        assertEquals(Path.of("/dev/shm/tensorpool-me"), ctx.shmBaseDir());
        assertTrue(ctx.allowDynamicStreams());
    }

    @Test
    void specDefaultsApplyToAMinimalFile()
    {
        final ShmDriver.Context ctx = DriverConfigLoader.parse(MINIMAL, Map.of());
        assertEquals("driver-01", ctx.instanceId());
        assertEquals("aeron:ipc?term-length=4m", ctx.controlChannel());
        assertEquals(1000, ctx.controlStreamId());
        assertEquals(ctx.controlChannel(), ctx.announceChannel());
        assertEquals(1200, ctx.qosStreamId());
        assertFalse(ctx.allowDynamicStreams(), "Driver §17 default");
        assertTrue(ctx.streamIdRange().isEmpty());
        assertEquals(1024, ctx.profiles().get("p").headerNslots(), "Driver §17 header_nslots default");
        assertEquals("p", ctx.defaultProfile(), "first defined profile");
        assertEquals(TimeUnit.SECONDS.toNanos(1), ctx.announcePeriodNs());
        assertEquals(TimeUnit.SECONDS.toNanos(1), ctx.keepaliveIntervalNs());
        assertEquals(3, ctx.expiryGraceIntervals());
        assertEquals(3 * ctx.announcePeriodNs(), ctx.epochGcMinAgeNs());
        assertEquals(2, ctx.epochGcKeep());
        assertTrue(ctx.prefault());
        assertEquals(MappedRegion.PRIVATE_FILE_MODE, ctx.fileMode());
        assertEquals(ShmDriverConfiguration.defaultShmBaseDir(), ctx.shmBaseDir());
    }

    @Test
    void zeroConfigurationDefaultsAllowDynamicStreamsIncluding10000()
    {
        final ShmDriver.Context ctx = DriverConfigLoader.defaults(Map.of());
        assertTrue(ctx.allowDynamicStreams());
        assertTrue(ctx.streamIdRange().contains(10000));
        final DriverProfile profile = ctx.profiles().get(ctx.defaultProfile());
        assertEquals(64, profile.headerNslots());
        assertArrayEquals(new int[]{64 * 1024, 1024 * 1024, 4 * 1024 * 1024}, profile.strideBytes());
        assertTrue(ctx.shmBaseDir().toString().startsWith("/dev/shm/tensorpool-"));
    }

    @Test
    void environmentOverridesToml()
    {
        final ShmDriver.Context ctx = DriverConfigLoader.parse(MINIMAL + "[driver]\ncontrol_stream_id = 1000\n",
            Map.of("DRIVER_CONTROL_STREAM_ID", "1500", "POLICIES_ALLOW_DYNAMIC_STREAMS", "true",
                "DRIVER_STREAM_ID_RANGE", "40000-40010", "PROFILES_P_HEADER_NSLOTS", "32",
                "SHM_ALLOWED_BASE_DIRS", "/dev/shm,/tmp"));
        assertEquals(1500, ctx.controlStreamId());
        assertEquals(1500, ctx.announceStreamId(), "announce follows the overridden control stream");
        assertTrue(ctx.allowDynamicStreams());
        assertEquals(IdRange.of(40000, 40010), ctx.streamIdRange());
        assertEquals(32, ctx.profiles().get("p").headerNslots());
        assertEquals(2, ctx.allowedBaseDirs().size());
    }

    @Test
    void rangesAsArrays()
    {
        final ShmDriver.Context ctx = DriverConfigLoader.parse(MINIMAL +
            "[driver]\nstream_id_range = [20000, 20099]\n[policies]\nallow_dynamic_streams = true\n", Map.of());
        assertEquals(IdRange.of(20000, 20099), ctx.streamIdRange());
    }

    @Test
    void validationErrorsNameKeyAndValue()
    {
        assertError("[profiles.p]\nheader_nslots = 100\npayload_pools = [ { pool_id = 1, stride_bytes = 4096 } ]",
            "profiles.p.header_nslots", "100");
        assertError("[profiles.p]\npayload_pools = [ { pool_id = 1, stride_bytes = 5000 } ]",
            "profiles.p.payload_pools[0].stride_bytes", "5000");
        assertError("[profiles.p]\npayload_pools = []", "profiles.p.payload_pools", "at least one");
        assertError("[profiles.p]\npayload_pools = [ { pool_id = 1, stride_bytes = 4096 }, " +
            "{ pool_id = 1, stride_bytes = 8192 } ]", "pool_id", "duplicated");
        assertError("[driver]\ninstance_id = \"x\"", "profiles", "at least one profile");
        assertError(MINIMAL + "[streams.s]\nstream_id = 7\nprofile = \"nope\"", "streams.s.profile", "nope");
        assertError(MINIMAL + "[driver]\nstream_id_range = \"100-200\"\ndescriptor_stream_id_range = \"150-300\"",
            "driver.stream_id_range", "overlaps");
        assertError(MINIMAL + "[driver]\nstream_id_range = \"900-1100\"", "driver.control_stream_id", "1000");
        assertError(MINIMAL + "[driver]\nstream_id_range = \"200-100\"", "driver.stream_id_range", "200-100");
        assertError(MINIMAL + "[policies]\nallow_dynamic_streams = true", "driver.stream_id_range", "non-empty");
        assertError(MINIMAL + "[policies]\ndefault_profile = \"zzz\"", "policies.default_profile", "zzz");
        assertError(MINIMAL + "[policies]\nannounce_period_ms = \"soon\"", "policies.announce_period_ms", "soon");
        assertError(MINIMAL + "[policies]\nprefault_shm = \"maybe\"", "policies.prefault_shm", "maybe");
        assertError(MINIMAL + "[shm]\nbase_dir = \"relative/dir\"", "shm.base_dir", "relative/dir");
        assertError(MINIMAL + "[shm]\npermissions_mode = \"777\"", "shm.permissions_mode", "777");
        assertError(MINIMAL + "[shm]\nnamespace = \"..\"", "namespace", "'..'");
        assertError(MINIMAL + "[streams.a]\nstream_id = 5\nprofile = \"p\"\n[streams.b]\nstream_id = 5\n" +
            "profile = \"p\"", "stream_id = 5", "also used");
        assertError("this is = = not toml", "cannot parse", "");
    }

    private static void assertError(final String toml, final String key, final String value)
    {
        final DriverConfigException ex = assertThrows(DriverConfigException.class,
            () -> DriverConfigLoader.parse(toml, Map.of()), toml);
        assertTrue(ex.getMessage().contains(key), "'" + ex.getMessage() + "' should name " + key);
        assertTrue(ex.getMessage().contains(value), "'" + ex.getMessage() + "' should name " + value);
    }
}
