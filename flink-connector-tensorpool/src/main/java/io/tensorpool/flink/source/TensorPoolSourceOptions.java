package io.tensorpool.flink.source;

import io.tensorpool.control.DefaultEndpoints;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

import java.time.Duration;
import java.util.List;

/**
 * Typed options of {@link TensorPoolSource}; set them with the builder's setters or {@code setProperty}.
 */
@PublicEvolving
public final class TensorPoolSourceOptions
{
    private TensorPoolSourceOptions()
    {
    }

    /** Aeron directory of the media driver on each reader's host. */
    public static final ConfigOption<String> AERON_DIRECTORY = ConfigOptions.key("tensorpool.aeron.dir")
        .stringType()
        .noDefaultValue()
        .withDescription("Aeron directory of the media driver on each TaskManager host; Aeron's default if unset.");

    /** How readers reach shared memory. */
    public static final ConfigOption<AttachMode> ATTACH_MODE = ConfigOptions.key("tensorpool.attach-mode")
        .enumType(AttachMode.class)
        .defaultValue(AttachMode.DRIVER)
        .withDescription("DRIVER: attach through the host's tensorpool driver with a consumer lease; STANDALONE: map " +
            "what producers announce, without a driver.");

    /** Control channel of the tensorpool driver. */
    public static final ConfigOption<String> DRIVER_CHANNEL = ConfigOptions.key("tensorpool.driver.channel")
        .stringType()
        .defaultValue(DefaultEndpoints.CONTROL_CHANNEL)
        .withDescription("Aeron channel of the tensorpool driver's control stream on each host.");

    /** Control stream id of the tensorpool driver. */
    public static final ConfigOption<Integer> DRIVER_STREAM_ID = ConfigOptions.key("tensorpool.driver.stream-id")
        .intType()
        .defaultValue(DefaultEndpoints.CONTROL_STREAM_ID)
        .withDescription("Aeron stream id of the tensorpool driver's control stream.");

    /** Discovery request endpoint channel. */
    public static final ConfigOption<String> DISCOVERY_CHANNEL = ConfigOptions.key("tensorpool.discovery.channel")
        .stringType()
        .defaultValue(DefaultEndpoints.DISCOVERY_CHANNEL)
        .withDescription("Aeron channel discovery requests go to (a registry, or a driver's embedded provider).");

    /** Discovery request endpoint stream id. */
    public static final ConfigOption<Integer> DISCOVERY_STREAM_ID = ConfigOptions.key("tensorpool.discovery.stream-id")
        .intType()
        .defaultValue(DefaultEndpoints.DISCOVERY_STREAM_ID)
        .withDescription("Aeron stream id discovery requests go to.");

    /** Discovery response channel. */
    public static final ConfigOption<String> DISCOVERY_RESPONSE_CHANNEL =
        ConfigOptions.key("tensorpool.discovery.response-channel")
            .stringType()
            .defaultValue(DefaultEndpoints.DISCOVERY_RESPONSE_CHANNEL)
            .withDescription("Aeron channel discovery responses come back on.");

    /** Who discovers streams. */
    public static final ConfigOption<DiscoveryMode> DISCOVERY_MODE = ConfigOptions.key("tensorpool.discovery.mode")
        .enumType(DiscoveryMode.class)
        .defaultValue(DiscoveryMode.ENUMERATOR)
        .withDescription("ENUMERATOR: the job manager queries discovery; READER: each reader queries its own host's " +
            "driver and reports to the enumerator; NONE: exactly the configured stream ids.");

    /** Discovery period. */
    public static final ConfigOption<Duration> DISCOVERY_INTERVAL = ConfigOptions.key("tensorpool.discovery.interval")
        .durationType()
        .defaultValue(Duration.ofSeconds(5))
        .withDescription("How often streams are discovered (new ones added, gone ones retired); 0 discovers once.");

    /** Starting position of splits without a checkpointed position. */
    public static final ConfigOption<StartingPosition> STARTING_POSITION =
        ConfigOptions.key("tensorpool.starting-position")
            .enumType(StartingPosition.class)
            .defaultValue(StartingPosition.LATEST)
            .withDescription("Where a split without a checkpointed position starts: LATEST or EARLIEST_IN_RING.");

    /** The identity of each reader's host, matched against the driver instance id owning a stream. */
    public static final ConfigOption<String> HOST_ID = ConfigOptions.key("tensorpool.host-id")
        .stringType()
        .noDefaultValue()
        .withDescription("Host identity of readers, compared with the driver instance id that owns a stream. " +
            "Unset (the default), a reader goes by its host name and by the instance id of the driver on its " +
            "host, which it asks that driver for; set, it goes by this name only.");

    /** Directories region files may be mapped from. */
    public static final ConfigOption<List<String>> ALLOWED_BASE_DIRS =
        ConfigOptions.key("tensorpool.allowed-base-dirs")
            .stringType()
            .asList()
            .defaultValues("/dev/shm")
            .withDescription("Directories shared-memory region files may be mapped from (Wire §15.21a).");

    /** Frames one fetch takes from one split at most. */
    public static final ConfigOption<Integer> FETCH_MAX_FRAMES = ConfigOptions.key("tensorpool.fetch.max-frames")
        .intType()
        .defaultValue(64)
        .withDescription("Frames one fetch takes from one split at most.");

    /** Payload bytes one fetch takes at most. */
    public static final ConfigOption<MemorySize> FETCH_MAX_BYTES = ConfigOptions.key("tensorpool.fetch.max-bytes")
        .memoryType()
        .defaultValue(MemorySize.ofMebiBytes(16))
        .withDescription("Payload bytes one fetch copies at most (bounds memory held between fetch and emit).");

    /** Longest pause of an idle fetch thread. */
    public static final ConfigOption<Duration> FETCH_MAX_IDLE = ConfigOptions.key("tensorpool.fetch.max-idle")
        .durationType()
        .defaultValue(Duration.ofMillis(1))
        .withDescription("Longest pause of the fetch thread when no split has a frame (it spins, yields, then " +
            "parks up to this long).");

    /** Bounded read: frames per split. */
    public static final ConfigOption<Long> STOP_AFTER_FRAMES = ConfigOptions.key("tensorpool.bounded.frames-per-split")
        .longType()
        .noDefaultValue()
        .withDescription("Makes the source bounded: each split finishes after this many frames.");

    /** Bounded read: stop at event time. */
    public static final ConfigOption<Long> STOP_AT_TIMESTAMP = ConfigOptions.key("tensorpool.bounded.stop-at-millis")
        .longType()
        .noDefaultValue()
        .withDescription("Makes the source bounded: a split finishes at its first frame with event time (epoch " +
            "ms) at or after this.");
}
