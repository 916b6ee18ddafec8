package io.tensorpool.flink.sink;

import io.tensorpool.control.DefaultEndpoints;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

import java.time.Duration;
import java.util.List;

/**
 * Typed options of {@link TensorPoolSink}. The builder's setters write these; {@link
 * TensorPoolSinkBuilder#setConfiguration} reads them from a Flink configuration.
 */
@PublicEvolving
public final class TensorPoolSinkOptions
{
    /** Aeron directory of the media driver on each task manager's host. */
    public static final ConfigOption<String> AERON_DIRECTORY = ConfigOptions.key("tensorpool.aeron.directory")
        .stringType()
        .noDefaultValue()
        .withDescription("Aeron directory of the media driver on the task manager's host; Aeron's default " +
            "(aeron.dir system property, else /dev/shm/aeron-<user>) when unset.");

    /** Control channel of the SHM driver. */
    public static final ConfigOption<String> CONTROL_CHANNEL = ConfigOptions.key("tensorpool.control.channel")
        .stringType()
        .defaultValue(DefaultEndpoints.CONTROL_CHANNEL)
        .withDescription("Aeron channel the SHM driver listens on for attach, keepalive and detach requests.");

    /** Control stream id of the SHM driver. */
    public static final ConfigOption<Integer> CONTROL_STREAM_ID = ConfigOptions.key("tensorpool.control.stream-id")
        .intType()
        .defaultValue(DefaultEndpoints.CONTROL_STREAM_ID)
        .withDescription("Aeron stream id of the SHM driver's control stream.");

    /** SHM base directory of the driver on each task manager's host. */
    public static final ConfigOption<String> SHM_BASE_DIR = ConfigOptions.key("tensorpool.shm.base-dir")
        .stringType()
        .noDefaultValue()
        .withDescription("The SHM driver's base directory on the task manager's host; every region the driver " +
            "hands out must lie under it (Wire §15.21a). Defaults to the driver's default, " +
            "/dev/shm/tensorpool-<user>.");

    /** First stream id: subtask i writes stream {@code base + i}. */
    public static final ConfigOption<Integer> STREAM_ID_BASE = ConfigOptions.key("tensorpool.sink.stream-id-base")
        .intType()
        .noDefaultValue()
        .withDescription("Subtask i is the producer of stream id base + i. Exclusive with stream-ids.");

    /** Explicit stream ids: subtask i writes the i-th. */
    public static final ConfigOption<List<Integer>> STREAM_IDS = ConfigOptions.key("tensorpool.sink.stream-ids")
        .intType()
        .asList()
        .noDefaultValue()
        .withDescription("Subtask i is the producer of the i-th stream id; there must be at least as many ids " +
            "as subtasks. Exclusive with stream-id-base.");

    /** Data source name declared for every stream of the sink. */
    public static final ConfigOption<String> DATA_SOURCE_NAME = ConfigOptions.key("tensorpool.sink.data-source.name")
        .stringType()
        .noDefaultValue()
        .withDescription("Data source name each subtask declares for its stream; discovery finds the streams by " +
            "this name.");

    /** Tags declared for every stream of the sink. */
    public static final ConfigOption<List<String>> TAGS = ConfigOptions.key("tensorpool.sink.data-source.tags")
        .stringType()
        .asList()
        .defaultValues()
        .withDescription("Tags each subtask declares for its stream; discovery finds the streams by tag.");

    /** Payload pool strides for streams the driver creates on attach. */
    public static final ConfigOption<List<Integer>> POOL_STRIDES = ConfigOptions.key("tensorpool.sink.pool-strides")
        .intType()
        .asList()
        .defaultValues(64 * 1024, 1024 * 1024)
        .withDescription("Payload pool size classes in bytes (each a power of two and a multiple of 4096) for " +
            "streams the driver creates on attach; a frame goes to the smallest pool that fits.");

    /** Header ring depth for streams the driver creates on attach. */
    public static final ConfigOption<Integer> HEADER_SLOTS = ConfigOptions.key("tensorpool.sink.header-slots")
        .intType()
        .defaultValue(64)
        .withDescription("Ring depth (a power of two) for streams the driver creates on attach: how many " +
            "frames a consumer may lag before it sees them overwritten.");

    /** How long a subtask waits for the driver to answer its attach. */
    public static final ConfigOption<Duration> ATTACH_TIMEOUT = ConfigOptions.key("tensorpool.sink.attach-timeout")
        .durationType()
        .defaultValue(Duration.ofSeconds(10))
        .withDescription("How long a subtask waits for the SHM driver to answer its attach before failing.");

    /** Period of the producer duty cycle while no records arrive. */
    public static final ConfigOption<Duration> DUTY_CYCLE_INTERVAL = ConfigOptions
        .key("tensorpool.sink.duty-cycle-interval")
        .durationType()
        .defaultValue(Duration.ofMillis(100))
        .withDescription("Period at which an idle writer runs the producer duty cycle (lease keepalive, " +
            "announces, activity timestamps); busy writers run it on every record as well.");

    private TensorPoolSinkOptions()
    {
    }
}
