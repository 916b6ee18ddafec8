package io.tensorpool.flink.sink.internal;

import org.apache.flink.annotation.Internal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything one sink subtask needs to attach as a producer: resolved on the task manager from the sink's
 * configuration and the subtask index. Immutable.
 */
@Internal
public final class ProducerSettings
{
    private final String aeronDirectory;
    private final String controlChannel;
    private final int controlStreamId;
    private final int streamId;
    private final int producerId;
    private final int subtaskIndex;
    private final String dataSourceName;
    private final List<String> tags;
    private final int dataSourceId;
    private final int[] poolStrides;
    private final int headerSlots;
    private final Duration attachTimeout;
    private final Path shmBaseDir;

    public ProducerSettings(
        final String aeronDirectory,
        final String controlChannel,
        final int controlStreamId,
        final int streamId,
        final int producerId,
        final int subtaskIndex,
        final String dataSourceName,
        final List<String> tags,
        final int dataSourceId,
        final int[] poolStrides,
        final int headerSlots,
        final Duration attachTimeout,
        final Path shmBaseDir)
    {
        this.aeronDirectory = aeronDirectory;
        this.controlChannel = controlChannel;
        this.controlStreamId = controlStreamId;
        this.streamId = streamId;
        this.producerId = producerId;
        this.subtaskIndex = subtaskIndex;
        this.dataSourceName = dataSourceName;
        this.tags = List.copyOf(tags);
        this.dataSourceId = dataSourceId;
        this.poolStrides = poolStrides.clone();
        this.headerSlots = headerSlots;
        this.attachTimeout = attachTimeout;
        this.shmBaseDir = shmBaseDir;
    }

    /** Aeron directory of the media driver on this host, or null for Aeron's default. */
    public String aeronDirectory()
    {
        return aeronDirectory;
    }

    /** Control channel of the SHM driver (driver messages, announces). */
    public String controlChannel()
    {
        return controlChannel;
    }

    public int controlStreamId()
    {
        return controlStreamId;
    }

    /** The stream this subtask is the exclusive producer of. */
    public int streamId()
    {
        return streamId;
    }

    /** Client id the producer attaches with (Driver Model §4.8); 0 lets the producer pick a random one. */
    public int producerId()
    {
        return producerId;
    }

    public int subtaskIndex()
    {
        return subtaskIndex;
    }

    /** Data source name declared on the metadata stream, so discovery can find the stream by name. */
    public String dataSourceName()
    {
        return dataSourceName;
    }

    /** Tags declared with the data source, so discovery can find the stream by tag. */
    public List<String> tags()
    {
        return tags;
    }

    public int dataSourceId()
    {
        return dataSourceId;
    }

    /** Payload pool strides (size classes), ascending, for a stream the driver creates on attach. */
    public int[] poolStrides()
    {
        return poolStrides.clone();
    }

    /** Header ring depth for a stream the driver creates on attach. */
    public int headerSlots()
    {
        return headerSlots;
    }

    public Duration attachTimeout()
    {
        return attachTimeout;
    }

    /** The driver's SHM base directory: every region the driver hands out must lie under it. */
    public Path shmBaseDir()
    {
        return shmBaseDir;
    }

    @Override
    public String toString()
    {
        return "ProducerSettings{stream=" + streamId + " producerId=" + producerId + " subtask=" + subtaskIndex +
            " dataSource=" + dataSourceName + " tags=" + tags + " aeronDir=" + aeronDirectory + " control=" +
            controlChannel + ":" + controlStreamId + "}";
    }
}
