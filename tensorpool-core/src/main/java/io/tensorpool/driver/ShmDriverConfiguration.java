package io.tensorpool.driver;

import io.tensorpool.control.DefaultEndpoints;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Defaults of the SHM driver (Driver §17 keys and values, plus this implementation's zero-configuration defaults used
 * when no config file is given). See docs/driver.md for the table.
 */
public final class ShmDriverConfiguration
{
    /** {@code driver.instance_id}. */
    public static final String INSTANCE_ID_DEFAULT = "driver-01";
    /** Directory element between the base dir and the per-stream directories (Wire §15.21a.3 {@code <namespace>}). */
    public static final String NAMESPACE_DEFAULT = "tensorpool";
    public static final String CONTROL_CHANNEL_DEFAULT = DefaultEndpoints.CONTROL_CHANNEL;
    public static final int CONTROL_STREAM_ID_DEFAULT = DefaultEndpoints.CONTROL_STREAM_ID;
    public static final String QOS_CHANNEL_DEFAULT = DefaultEndpoints.QOS_CHANNEL;
    public static final int QOS_STREAM_ID_DEFAULT = DefaultEndpoints.QOS_STREAM_ID;
    /** {@code shm.page_size_bytes}. */
    public static final int PAGE_SIZE_BYTES_DEFAULT = 4096;
    /** {@code profiles.<name>.header_nslots} when a profile omits it (Driver §17). */
    public static final int PROFILE_HEADER_NSLOTS_DEFAULT = 1024;
    /** {@code policies.announce_period_ms}. */
    public static final long ANNOUNCE_PERIOD_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1000);
    /** {@code policies.lease_keepalive_interval_ms}. */
    public static final long KEEPALIVE_INTERVAL_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1000);
    /** {@code policies.lease_expiry_grace_intervals}. */
    public static final int EXPIRY_GRACE_INTERVALS_DEFAULT = 3;
    /** {@code policies.epoch_gc_keep}: current epoch plus one older. */
    public static final int EPOCH_GC_KEEP_DEFAULT = 2;
    /** {@code policies.shutdown_timeout_ms}. */
    public static final long SHUTDOWN_TIMEOUT_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(2000);

    /** Name of the profile built when none is configured (zero-configuration mode). */
    public static final String DEFAULT_PROFILE_NAME = "default";
    /** Zero-configuration profile: 64 header slots... */
    public static final int DEFAULT_PROFILE_HEADER_NSLOTS = 64;
    /** ...and pools 1, 2, 3 of 64 KiB, 1 MiB and 4 MiB. */
    public static final int[] DEFAULT_PROFILE_POOL_IDS = {1, 2, 3};
    public static final int[] DEFAULT_PROFILE_STRIDES = {64 * 1024, 1024 * 1024, 4 * 1024 * 1024};
    /** Zero-configuration dynamic stream id range (includes the conventional first data stream 10000). */
    public static final IdRange DYNAMIC_STREAM_ID_RANGE_DEFAULT = IdRange.of(10000, 19999);

    private ShmDriverConfiguration()
    {
    }

    /** {@code shm.base_dir} default: a per-user directory, {@code /dev/shm/tensorpool-<user>}. */
    public static Path defaultShmBaseDir()
    {
        final String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
        return Path.of("/dev/shm", "tensorpool-" + user);
    }

    /** The zero-configuration profile. */
    public static DriverProfile defaultProfile()
    {
        return new DriverProfile(DEFAULT_PROFILE_NAME, DEFAULT_PROFILE_HEADER_NSLOTS, DEFAULT_PROFILE_POOL_IDS,
            DEFAULT_PROFILE_STRIDES);
    }
}
