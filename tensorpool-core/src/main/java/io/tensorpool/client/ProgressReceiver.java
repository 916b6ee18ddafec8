package io.tensorpool.client;

import io.tensorpool.codecs.wire.FrameProgressDecoder;

/**
 * {@code FrameProgress} hints for the consumer (Wire §10.2.2): checks each hint against the mapped epoch and ring
 * (header index matches the frame id, bytes filled within the largest stride, a defined state) and against the hints
 * before it (frame ids never go back, bytes filled never shrink within a frame), then hands the valid ones to the
 * context's {@link ProgressHandler}.
 * <p>
 * Separate from {@link TensorPoolConsumer} because progress is advisory and independent of frame delivery: it keeps
 * its own per-frame state and counters, and the consumer only tells it what is mapped and when a new mapping starts.
 * Not thread-safe; driven by the consumer's thread, allocation-free.
 */
final class ProgressReceiver
{
    private static final long NO_FRAME = -1;

    private final TensorPoolConsumer.Context ctx;
    private final int streamId;

    // the frame the last delivered hint was for
    private long frameId = NO_FRAME;
    private long lastBytes;

    private long delivered;
    private long dropped;

    ProgressReceiver(final TensorPoolConsumer.Context ctx, final int streamId)
    {
        this.ctx = ctx;
        this.streamId = streamId;
    }

    /** A new mapping: hints for frames before it are no longer compared against. */
    void reset()
    {
        frameId = NO_FRAME;
    }

    /**
     * Validate one hint and deliver it. Hints for other streams, or when this consumer did not opt in, are ignored
     * without counting.
     *
     * @param mapped    whether the consumer is MAPPED; hints are dropped when it is not.
     * @param epoch     the mapped epoch.
     * @param ringMask  header ring slots minus one.
     * @param maxStride the largest payload stride of the mapping (unsigned).
     * @throws FrameHandlerException if the progress handler threw.
     */
    void onFrameProgress(
        final FrameProgressDecoder progress,
        final boolean mapped,
        final long epoch,
        final int ringMask,
        final int maxStride)
    {
        if ((int)progress.streamId() != streamId || !ctx.supportsProgress() || ctx.progressHandler() == null)
        {
            return;
        }
        if (!mapped || progress.epoch() != epoch)
        {
            dropped++;
            return;
        }
        final long frameId = progress.frameId();
        final long headerIndex = progress.headerIndex();
        final long filled = progress.payloadBytesFilled();
        final int stateRaw = progress.stateRaw();
        if (headerIndex != (frameId & ringMask) || filled < 0 || filled > (maxStride & 0xFFFF_FFFFL) ||
            stateRaw < 1 || stateRaw > 3)
        {
            dropped++;
            return;
        }
        if (frameId == this.frameId)
        {
            if (filled < lastBytes)
            {
                // Wire §10.2.2: regression within a frame
                dropped++;
                return;
            }
        }
        else if (this.frameId != NO_FRAME && frameId < this.frameId)
        {
            dropped++;
            return;
        }
        this.frameId = frameId;
        lastBytes = filled;
        delivered++;
        try
        {
            ctx.progressHandler().onProgress(streamId, epoch, frameId, (int)headerIndex, filled, stateRaw);
        }
        catch (final RuntimeException ex)
        {
            throw new FrameHandlerException(ex);
        }
    }

    long delivered()
    {
        return delivered;
    }

    long dropped()
    {
        return dropped;
    }
}
