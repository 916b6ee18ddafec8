package io.tensorpool.flink.sink.internal;

import io.tensorpool.shm.FrameClaim;
import org.apache.flink.annotation.Internal;

/**
 * The producer one sink subtask writes through: one stream, one epoch at a time, single-threaded (the Flink task
 * thread). The connector talks to the core producer only through this seam so the writer can be tested without a
 * driver and the adapter can follow the core API as it changes.
 *
 * <p>Hot-path methods return codes, never throw, and allocate nothing.
 */
@Internal
public interface SinkFrameProducer extends AutoCloseable
{
    /** {@link #tryClaim} result: no payload pool is large enough for the frame; it must be dropped (Wire §9). */
    long NO_POOL_FITS = -1;
    /** {@link #tryClaim} result: the producer is between leases (re-attaching); try again later. */
    long NOT_READY = -2;
    /** {@link #tryClaim} / {@link #commit} result: the producer is closed or its lease is gone for good. */
    long CLOSED = -3;
    /** {@link #commit} result: the tensor description broke a layout rule; the slot stays IN-PROGRESS. */
    long INVALID_LAYOUT = -4;

    /**
     * Claim a slot with room for {@code length} payload bytes.
     *
     * @return the frame's sequence number (&ge; 0), or {@link #NO_POOL_FITS}, {@link #NOT_READY}, {@link #CLOSED}.
     */
    long tryClaim(int length, FrameClaim claim);

    /**
     * Commit the claimed slot (seqlock COMMITTED) and publish its descriptor.
     *
     * @return the committed sequence number (&ge; 0), or {@link #INVALID_LAYOUT} or {@link #CLOSED}.
     */
    long commit(FrameClaim claim);

    /** Give the claim up; no consumer will accept the slot. */
    void abort(FrameClaim claim);

    /** Duty cycle: keepalives, announces, activity timestamps, control responses. Returns the work done. */
    int doWork();

    /** The stream this producer writes. */
    int streamId();

    /** The current epoch of the stream's regions. */
    long epoch();

    /** The largest payload one frame can carry (the largest pool stride). */
    int maxPayloadLength();

    /** Detach (lease released, regions unmapped). Idempotent; never throws for an already lost lease. */
    @Override
    void close();
}
