package io.tensorpool.flink.source.testing;

import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.reader.FrameSource;
import io.tensorpool.flink.source.split.TensorPoolSplit;

/**
 * Opens {@link RingFrameSource}s directly, for reader unit tests outside this package.
 */
public final class ReaderHarness
{
    private ReaderHarness()
    {
    }

    /**
     * @return a split of {@code stream} with the given position.
     */
    public static TensorPoolSplit split(final ShmTestStream stream, final long epoch, final long lastSeq)
    {
        return new TensorPoolSplit(stream.streamId(), stream.host(), ShmTestStreams.DRIVER, epoch, lastSeq,
            0);
    }

    /**
     * @return a consumer of {@code stream} as the connection would open it.
     */
    public static FrameSource open(final ShmTestStream stream, final StartingPosition position)
    {
        return new RingFrameSource(stream, position == StartingPosition.EARLIEST_IN_RING);
    }
}
