package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.codecs.wire.FrameProgressState;
import io.tensorpool.control.WireMessageEncoder;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;

/**
 * {@code FrameProgress} for the producer (Wire §10.2.2): the policy aggregated over the consumers that announced
 * {@code supports_progress} (smallest hints, never below the producer's floors), the throttle state of the frame being
 * filled, and where progress goes (per-consumer control streams, or the shared descriptor stream for consumers
 * without one).
 * <p>
 * Separate from {@link TensorPoolProducer} because it is a small state machine of its own (STARTED, throttled
 * PROGRESS, COMPLETE at commit) that only reads the consumer sessions; the producer just tells it the frame being
 * filled and when sessions changed. Not thread-safe; driven by the producer's thread, allocation-free.
 */
final class ProgressThrottle
{
    private static final long NO_FRAME = -1;

    private final WireMessageEncoder encoder;
    private final NanoClock clock;
    private final int streamId;
    private final TensorPoolProducer.Context ctx;
    private final Publication descriptorPublication;
    // owned and modified by ConsumerSessions; only read here, on the producer's thread
    private final ArrayList<ConsumerSession> sessions;

    // the policy in force, recomputed whenever the sessions change
    private int consumers;
    private boolean onSharedStream;
    private long intervalNs;
    private long bytesDelta;

    // the frame being reported on
    private long frameSeq = NO_FRAME;
    private long lastNs;
    private long lastBytes;

    private long published;
    private long throttled;

    ProgressThrottle(
        final WireMessageEncoder encoder,
        final NanoClock clock,
        final int streamId,
        final TensorPoolProducer.Context ctx,
        final Publication descriptorPublication,
        final ArrayList<ConsumerSession> sessions)
    {
        this.encoder = encoder;
        this.clock = clock;
        this.streamId = streamId;
        this.ctx = ctx;
        this.descriptorPublication = descriptorPublication;
        this.sessions = sessions;
        this.intervalNs = ctx.progressIntervalFloorNs();
        this.bytesDelta = ctx.progressBytesFloor();
    }

    /**
     * Report {@code bytesFilled} of the open frame {@code seq}: {@code STARTED} on its first report, then
     * {@code PROGRESS} when both the interval and the byte delta have passed since the last message.
     *
     * @return 1 if a message was published, 0 if throttled or no consumer supports progress.
     */
    int report(final long epoch, final long seq, final int headerIndex, final long bytesFilled, final int length)
    {
        if (consumers == 0)
        {
            return 0;
        }
        final long filled = Math.max(0, Math.min(bytesFilled, length));
        final long nowNs = clock.nanoTime();
        if (frameSeq != seq)
        {
            frameSeq = seq;
            lastNs = nowNs;
            lastBytes = filled;
            publish(epoch, seq, headerIndex, filled, FrameProgressState.STARTED);
            return 1;
        }
        if (nowNs - lastNs >= intervalNs && filled - lastBytes >= bytesDelta)
        {
            lastNs = nowNs;
            lastBytes = filled;
            publish(epoch, seq, headerIndex, filled, FrameProgressState.PROGRESS);
            return 1;
        }
        throttled++;
        return 0;
    }

    /** The frame {@code seq} was committed: {@code COMPLETE}, but only if progress was reported for it. */
    void complete(final long epoch, final long seq, final int headerIndex, final int length)
    {
        if (frameSeq == seq)
        {
            publish(epoch, seq, headerIndex, length, FrameProgressState.COMPLETE);
            frameSeq = NO_FRAME;
        }
    }

    /** New regions: sequence numbers start again, so no frame is being reported on. */
    void reset()
    {
        frameSeq = NO_FRAME;
    }

    /** Aggregate the sessions' progress hints again; call after any session was added, changed or removed. */
    void recomputePolicy()
    {
        int count = 0;
        boolean shared = false;
        long intervalUs = Long.MAX_VALUE;
        long bytes = Long.MAX_VALUE;
        for (final ConsumerSession session : sessions)
        {
            if (session.supportsProgress)
            {
                count++;
                shared |= session.controlPublication == null;
                intervalUs = Math.min(intervalUs, session.progressIntervalUs >= 0 ?
                    session.progressIntervalUs : ctx.progressIntervalFloorNs() / 1000);
                bytes = Math.min(bytes,
                    session.progressBytesDelta >= 0 ? session.progressBytesDelta : ctx.progressBytesFloor());
            }
        }
        consumers = count;
        onSharedStream = shared;
        // smallest hint offered, never below the producer's floors (Wire §10.2.2)
        intervalNs = count == 0 ? ctx.progressIntervalFloorNs() :
            Math.max(ctx.progressIntervalFloorNs(), intervalUs * 1000);
        bytesDelta = count == 0 ? ctx.progressBytesFloor() : Math.max(ctx.progressBytesFloor(), bytes);
    }

    private void publish(
        final long epoch, final long frameId, final int headerIndex, final long filled, final FrameProgressState state)
    {
        if (consumers == 0)
        {
            return;
        }
        final int length = encoder.frameProgress(streamId, epoch, frameId, headerIndex, filled, state);
        if (onSharedStream)
        {
            EncodedOffer.offer(descriptorPublication, encoder, length);
        }
        for (int i = 0, n = sessions.size(); i < n; i++)
        {
            final ConsumerSession session = sessions.get(i);
            if (session.supportsProgress && session.controlPublication != null)
            {
                EncodedOffer.offer(session.controlPublication, encoder, length);
            }
        }
        published++;
    }

    long published()
    {
        return published;
    }

    long throttled()
    {
        return throttled;
    }

    /** Consumers that announced {@code supports_progress}. */
    int consumerCount()
    {
        return consumers;
    }

    /** The aggregated {@code PROGRESS} interval in force. */
    long intervalNs()
    {
        return intervalNs;
    }

    /** The aggregated {@code PROGRESS} byte delta in force. */
    long bytesDelta()
    {
        return bytesDelta;
    }
}
