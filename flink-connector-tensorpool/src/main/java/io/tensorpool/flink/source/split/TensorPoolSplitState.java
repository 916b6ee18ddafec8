package io.tensorpool.flink.source.split;

import org.apache.flink.annotation.Internal;

/**
 * Mutable progress of one split on its reader: the epoch and seq of the last frame emitted. Advanced by the record
 * emitter, on the task thread, only after the frame's record went downstream; turned into a split at each checkpoint.
 */
@Internal
public final class TensorPoolSplitState
{
    private final TensorPoolSplit split;
    private long epoch;
    private long lastSeq;
    private long framesEmitted;

    /**
     * @param split the split to start from.
     */
    public TensorPoolSplitState(final TensorPoolSplit split)
    {
        this.split = split;
        this.epoch = split.epoch();
        this.lastSeq = split.lastSeq();
        this.framesEmitted = split.framesEmitted();
    }

    /**
     * Record that a frame went downstream.
     *
     * @param epoch the frame's epoch.
     * @param seq   the frame's seq.
     */
    public void onEmitted(final long epoch, final long seq)
    {
        this.epoch = epoch;
        this.lastSeq = seq;
        this.framesEmitted++;
    }

    /**
     * @return the split's unchanging description.
     */
    public TensorPoolSplit split()
    {
        return split;
    }

    /**
     * @return the epoch of the last emitted frame, or {@link TensorPoolSplit#NO_EPOCH}.
     */
    public long epoch()
    {
        return epoch;
    }

    /**
     * @return the seq of the last emitted frame, or {@link TensorPoolSplit#NO_SEQ}.
     */
    public long lastSeq()
    {
        return lastSeq;
    }

    /**
     * @return frames emitted so far.
     */
    public long framesEmitted()
    {
        return framesEmitted;
    }

    /**
     * @return the split to checkpoint: same stream, resume after the last emitted frame.
     */
    public TensorPoolSplit toSplit()
    {
        return new TensorPoolSplit(
            split.streamId(), split.ownerHost(), split.driver(), epoch, lastSeq, framesEmitted);
    }
}
