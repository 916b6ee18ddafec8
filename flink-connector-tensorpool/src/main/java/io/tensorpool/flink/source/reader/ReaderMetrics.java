package io.tensorpool.flink.source.reader;

import org.apache.flink.annotation.Internal;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reader's metrics in Flink's connector conventions: {@code numRecordsIn} (counted by Flink's reader base),
 * {@code numBytesIn} (payload bytes), {@code pendingRecords} (sum of split lags) and per-split {@link SplitMetrics}.
 * Event-time lag ({@code currentEmitEventTimeLag}) is computed by Flink from the timestamps the emitter assigns.
 */
@Internal
public final class ReaderMetrics
{
    private final SourceReaderMetricGroup group;
    private final Counter numBytesIn;
    private final Map<String, SplitMetrics> splits = new ConcurrentHashMap<>();

    /**
     * @param group the reader's metric group.
     */
    public ReaderMetrics(final SourceReaderMetricGroup group)
    {
        this.group = group;
        this.numBytesIn = group.getIOMetricGroup().getNumBytesInCounter();
        group.setPendingRecordsGauge(() ->
        {
            long sum = 0;
            for (final SplitMetrics split : splits.values())
            {
                sum += split.lag();
            }
            return sum;
        });
    }

    /**
     * @param splitId a split id.
     * @return the split's metrics, registered on first use.
     */
    public SplitMetrics forSplit(final String splitId)
    {
        return splits.computeIfAbsent(splitId, id -> new SplitMetrics(group, id));
    }

    /**
     * @param splitId a split id.
     * @return the split's metrics, or null if never registered.
     */
    public SplitMetrics split(final String splitId)
    {
        return splits.get(splitId);
    }

    Counter numBytesIn()
    {
        return numBytesIn;
    }
}
