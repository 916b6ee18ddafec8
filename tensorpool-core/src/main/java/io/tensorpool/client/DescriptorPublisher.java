package io.tensorpool.client;

import io.aeron.Publication;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.shm.HeaderRing;
import io.tensorpool.shm.ShmLayout;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;

/**
 * Publishes a committed frame's {@code FrameDescriptor} (Wire §10.2.1) on the shared descriptor stream and on every
 * per-consumer descriptor stream, within each RATE_LIMITED consumer's {@code max_rate_hz} cap (Wire §5).
 * <p>
 * Owns the bounded retry queue for descriptors the shared stream refused with back-pressure, and the descriptor
 * counters. Separate from {@link TensorPoolProducer} because this is the per-frame half of the control plane: its
 * state (the queue and its order) is independent of the slot seqlock, sessions and metadata, and it must stay
 * allocation-free. Not thread-safe; driven by the producer's thread.
 */
final class DescriptorPublisher
{
    /** Retry queue capacity, a power of two; beyond it the oldest refused descriptor is dropped. */
    static final int PENDING_DESCRIPTORS = 1024;

    private final WireMessageEncoder encoder;
    private final NanoClock clock;
    private final int streamId;
    private final Publication descriptorPublication;
    // owned and modified by ConsumerSessions; only iterated here, on the producer's thread
    private final ArrayList<ConsumerSession> sessions;

    // refused shared-stream descriptors, as parallel arrays so queuing allocates nothing
    private final long[] pendingSeq = new long[PENDING_DESCRIPTORS];
    private final int[] pendingIndex = new int[PENDING_DESCRIPTORS];
    private final long[] pendingTimestamp = new long[PENDING_DESCRIPTORS];
    private final long[] pendingMetaVersion = new long[PENDING_DESCRIPTORS];
    private long pendingHead;
    private long pendingTail;

    private long backPressure;
    private long dropped;
    private long notConnected;
    private long rateCapped;

    DescriptorPublisher(
        final WireMessageEncoder encoder,
        final NanoClock clock,
        final int streamId,
        final Publication descriptorPublication,
        final ArrayList<ConsumerSession> sessions)
    {
        this.encoder = encoder;
        this.clock = clock;
        this.streamId = streamId;
        this.descriptorPublication = descriptorPublication;
        this.sessions = sessions;
    }

    /**
     * Publish the descriptor of the frame committed in slot {@code headerIndex} of {@code headerRing}. Never blocks:
     * shared-stream back-pressure queues the descriptor for retry, per-consumer back-pressure skips that consumer.
     */
    void publish(final long epoch, final long frameSeq, final int headerIndex, final HeaderRing headerRing)
    {
        // timestamp and meta version as committed in the slot (the caller may have changed them on the claim)
        final UnsafeBuffer ring = headerRing.buffer();
        final int slot = headerRing.slotOffset(headerIndex);
        final long timestampNs = ring.getLong(slot + ShmLayout.SLOT_TIMESTAMP_OFFSET);
        final long frameMetaVersion = ring.getInt(slot + ShmLayout.SLOT_META_VERSION_OFFSET) & 0xFFFF_FFFFL;
        // descriptors refused earlier go first, so the shared stream stays in seq order
        final boolean flushed = flushPending(epoch);
        final int length = encoder.frameDescriptor(streamId, epoch, frameSeq, headerIndex, timestampNs,
            frameMetaVersion);
        final long result = flushed ?
            EncodedOffer.offer(descriptorPublication, encoder, length) : Publication.BACK_PRESSURED;
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            backPressure++;
            enqueuePending(frameSeq, headerIndex, timestampNs, frameMetaVersion);
        }
        else if (result == Publication.NOT_CONNECTED)
        {
            notConnected++;
        }
        final ArrayList<ConsumerSession> sessions = this.sessions;
        for (int i = 0, n = sessions.size(); i < n; i++)
        {
            final ConsumerSession session = sessions.get(i);
            if (session.descriptorPublication != null)
            {
                if (session.minDescriptorIntervalNs > 0)
                {
                    final long nowNs = clock.nanoTime();
                    if (session.lastDescriptorNs != Long.MIN_VALUE &&
                        nowNs - session.lastDescriptorNs < session.minDescriptorIntervalNs)
                    {
                        rateCapped++;
                        continue;
                    }
                    session.lastDescriptorNs = nowNs;
                }
                countPerConsumerOffer(EncodedOffer.offer(session.descriptorPublication, encoder, length));
            }
        }
    }

    /** True while refused shared-stream descriptors wait for a retry. */
    boolean hasPending()
    {
        return pendingHead < pendingTail;
    }

    /**
     * Retry the refused shared-stream descriptors in order, until one is refused again.
     *
     * @return true when no descriptor is pending any more.
     */
    boolean flushPending(final long epoch)
    {
        while (pendingHead < pendingTail)
        {
            final int i = (int)(pendingHead & (PENDING_DESCRIPTORS - 1));
            final int length = encoder.frameDescriptor(streamId, epoch, pendingSeq[i], pendingIndex[i],
                pendingTimestamp[i], pendingMetaVersion[i]);
            final long result = EncodedOffer.offer(descriptorPublication, encoder, length);
            if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
            {
                return false;
            }
            if (result < 0)
            {
                // nobody listens any more (or closed): nothing to catch up
                dropped += pendingTail - pendingHead;
                pendingHead = pendingTail;
                return true;
            }
            pendingHead++;
        }
        return true;
    }

    /** Forget the pending descriptors without counting them: they name an epoch consumers would drop. */
    void discardPending()
    {
        pendingHead = pendingTail;
    }

    /**
     * Back-pressure on the shared descriptor stream is usually transient (on a busy host the driver advances the
     * publisher limit late), so refused descriptors wait in a bounded queue and are retried, in order, before the next
     * descriptor and on every duty cycle. Never blocks; when the queue is full the oldest is dropped and counted
     * (consumers then see a gap, Wire §15.4).
     */
    private void enqueuePending(
        final long frameSeq, final int headerIndex, final long timestampNs, final long frameMetaVersion)
    {
        if (pendingTail - pendingHead == PENDING_DESCRIPTORS)
        {
            pendingHead++;
            dropped++;
        }
        final int i = (int)(pendingTail & (PENDING_DESCRIPTORS - 1));
        pendingSeq[i] = frameSeq;
        pendingIndex[i] = headerIndex;
        pendingTimestamp[i] = timestampNs;
        pendingMetaVersion[i] = frameMetaVersion;
        pendingTail++;
    }

    private void countPerConsumerOffer(final long result)
    {
        if (result == Publication.BACK_PRESSURED || result == Publication.ADMIN_ACTION)
        {
            backPressure++;
        }
        else if (result == Publication.NOT_CONNECTED)
        {
            notConnected++;
        }
    }

    /** Descriptor offers refused with back-pressure (shared: queued and retried; per-consumer: skipped). */
    long backPressure()
    {
        return backPressure;
    }

    /** Shared-stream descriptors lost for good: the retry queue overflowed or the subscribers went away. */
    long dropped()
    {
        return dropped;
    }

    /** Shared-stream descriptors waiting to be retried. */
    int pending()
    {
        return (int)(pendingTail - pendingHead);
    }

    /** Descriptor offers with no subscriber connected. */
    long notConnected()
    {
        return notConnected;
    }

    /** Per-consumer descriptors skipped by a RATE_LIMITED consumer's cap. */
    long rateCapped()
    {
        return rateCapped;
    }
}
