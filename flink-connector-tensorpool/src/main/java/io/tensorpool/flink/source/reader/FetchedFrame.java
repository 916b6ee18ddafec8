package io.tensorpool.flink.source.reader;

import org.apache.flink.annotation.Internal;

/**
 * A record built inside its frame's commit window, with the frame facts the emitter needs.
 *
 * @param <T> the record type.
 */
@Internal
public final class FetchedFrame<T>
{
    final T record;
    final long epoch;
    final long seq;
    final long eventTimeMillis;
    final int payloadBytes;

    FetchedFrame(final T record, final long epoch, final long seq, final long eventTimeMillis, final int payloadBytes)
    {
        this.record = record;
        this.epoch = epoch;
        this.seq = seq;
        this.eventTimeMillis = eventTimeMillis;
        this.payloadBytes = payloadBytes;
    }

    @Override
    public String toString()
    {
        return "FetchedFrame{epoch=" + epoch + " seq=" + seq + " bytes=" + payloadBytes + "}";
    }
}
