package io.tensorpool.flink.source.reader;

import io.tensorpool.flink.source.split.TensorPoolSplitState;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.metrics.Counter;

/**
 * Emits a fetched record with its event time, counts its payload bytes and advances the split state, on the task
 * thread, so a checkpoint's (epoch, last seq) is always the last frame that went downstream.
 *
 * @param <T> the record type.
 */
@Internal
public final class TensorPoolRecordEmitter<T> implements RecordEmitter<FetchedFrame<T>, T, TensorPoolSplitState>
{
    private final ReaderMetrics metrics;
    private final Counter numBytesIn;

    /**
     * @param metrics the reader's metrics.
     */
    public TensorPoolRecordEmitter(final ReaderMetrics metrics)
    {
        this.metrics = metrics;
        this.numBytesIn = metrics.numBytesIn();
    }

    @Override
    public void emitRecord(final FetchedFrame<T> frame, final SourceOutput<T> output, final TensorPoolSplitState state)
    {
        output.collect(frame.record, frame.eventTimeMillis);
        numBytesIn.inc(frame.payloadBytes);
        state.onEmitted(frame.epoch, frame.seq);
        final SplitMetrics split = metrics.split(state.split().splitId());
        if (split != null)
        {
            split.emittedSeq = frame.seq;
        }
    }
}
