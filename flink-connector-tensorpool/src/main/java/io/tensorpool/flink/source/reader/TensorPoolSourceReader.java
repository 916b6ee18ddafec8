package io.tensorpool.flink.source.reader;

import io.tensorpool.flink.source.enumerator.DiscoveredStream;
import io.tensorpool.flink.source.enumerator.DiscoveredStreamsEvent;
import io.tensorpool.flink.source.enumerator.ReaderHostEvent;
import io.tensorpool.flink.source.enumerator.RetireSplitsEvent;
import io.tensorpool.flink.source.enumerator.ReturnSplitsEvent;
import io.tensorpool.flink.source.enumerator.StreamDiscoverer;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.flink.source.split.TensorPoolSplitState;
import org.agrona.CloseHelper;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.core.io.InputStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The reader of a tensorpool source: one fetch thread polls every split of this subtask (one Aeron client for all),
 * the task thread emits.
 * <p>
 * On start it tells the enumerator its host identity. Splits of another host (possible after a rescale, when Flink
 * redistributes reader state without regard to hosts) are not read but returned to the enumerator with their
 * progress. With reader-side discovery it queries its own host's driver on a small daemon thread and forwards the
 * result to the enumerator from the task thread.
 *
 * @param <T> the record type.
 */
@Internal
public final class TensorPoolSourceReader<T>
    extends SingleThreadMultiplexSourceReaderBase<FetchedFrame<T>, T, TensorPoolSplit, TensorPoolSplitState>
{
    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolSourceReader.class);

    private final TensorPoolConnection connection;
    private final String hostId;
    private final Set<String> retired;
    private final long readerDiscoveryIntervalMs;
    private final AtomicReference<DiscoveredStreamsEvent> pendingReport = new AtomicReference<>();
    private volatile CompletableFuture<Void> reportAvailable = new CompletableFuture<>();
    private ScheduledExecutorService discoveryThread;
    private StreamDiscoverer discoverer;

    /**
     * @param splitReaderSupplier       creates the split reader on the fetch thread.
     * @param emitter                   emits records and advances split state.
     * @param config                    Flink reader options.
     * @param context                   the reader context.
     * @param connection                this reader's connection (closed with the reader).
     * @param hostId                    this reader's host identity.
     * @param retired                   ids of retired splits, shared with the split reader.
     * @param readerDiscoveryIntervalMs reader-side discovery period, or -1 when the enumerator discovers.
     */
    public TensorPoolSourceReader(
        final Supplier<SplitReader<FetchedFrame<T>, TensorPoolSplit>> splitReaderSupplier,
        final RecordEmitter<FetchedFrame<T>, T, TensorPoolSplitState> emitter,
        final Configuration config,
        final SourceReaderContext context,
        final TensorPoolConnection connection,
        final String hostId,
        final Set<String> retired,
        final long readerDiscoveryIntervalMs)
    {
        super(splitReaderSupplier, emitter, config, context);
        this.connection = connection;
        this.hostId = hostId;
        this.retired = retired;
        this.readerDiscoveryIntervalMs = readerDiscoveryIntervalMs;
    }

    @Override
    public void start()
    {
        super.start();
        context.sendSourceEventToCoordinator(new ReaderHostEvent(hostId));
        if (readerDiscoveryIntervalMs >= 0)
        {
            discoveryThread = Executors.newSingleThreadScheduledExecutor(runnable ->
            {
                final Thread thread = new Thread(runnable, "tensorpool-discovery-" + context.getIndexOfSubtask());
                thread.setDaemon(true);
                return thread;
            });
            final Runnable round = this::discoverOnce;
            if (readerDiscoveryIntervalMs > 0)
            {
                discoveryThread.scheduleWithFixedDelay(round, 0, readerDiscoveryIntervalMs, TimeUnit.MILLISECONDS);
            }
            else
            {
                discoveryThread.execute(round);
            }
        }
    }

    @Override
    public InputStatus pollNext(final ReaderOutput<T> output) throws Exception
    {
        final DiscoveredStreamsEvent report = pendingReport.getAndSet(null);
        if (report != null)
        {
            reportAvailable = new CompletableFuture<>();
            context.sendSourceEventToCoordinator(report);
        }
        return super.pollNext(output);
    }

    @Override
    public CompletableFuture<Void> isAvailable()
    {
        final CompletableFuture<Void> fetched = super.isAvailable();
        if (discoveryThread == null || fetched.isDone())
        {
            return fetched;
        }
        return CompletableFuture.anyOf(fetched, reportAvailable).thenApply(ignore -> null);
    }

    @Override
    public void addSplits(final List<TensorPoolSplit> splits)
    {
        final List<TensorPoolSplit> readable = new ArrayList<>(splits.size());
        final List<TensorPoolSplit> misplaced = new ArrayList<>();
        for (final TensorPoolSplit split : splits)
        {
            (split.readableOn(hostId) ? readable : misplaced).add(split);
        }
        if (!misplaced.isEmpty())
        {
            LOG.info("tensorpool source: subtask={} on host={} returns splits of other hosts: {}",
                context.getIndexOfSubtask(), hostId, misplaced);
            context.sendSourceEventToCoordinator(new ReturnSplitsEvent(misplaced));
        }
        if (!readable.isEmpty())
        {
            super.addSplits(readable);
        }
    }

    @Override
    public void handleSourceEvents(final SourceEvent event)
    {
        if (event instanceof RetireSplitsEvent)
        {
            retired.addAll(((RetireSplitsEvent)event).splitIds());
        }
        else
        {
            super.handleSourceEvents(event);
        }
    }

    @Override
    protected void onSplitFinished(final Map<String, TensorPoolSplitState> finishedSplitIds)
    {
        retired.removeAll(finishedSplitIds.keySet());
    }

    @Override
    protected TensorPoolSplitState initializedState(final TensorPoolSplit split)
    {
        return new TensorPoolSplitState(split);
    }

    @Override
    protected TensorPoolSplit toSplitType(final String splitId, final TensorPoolSplitState state)
    {
        return state.toSplit();
    }

    @Override
    public void close() throws Exception
    {
        try
        {
            if (discoveryThread != null)
            {
                discoveryThread.shutdownNow();
                discoveryThread.awaitTermination(10, TimeUnit.SECONDS);
            }
            super.close();
        }
        finally
        {
            CloseHelper.closeAll(discoverer, connection);
        }
    }

    /**
     * @return this reader's host identity.
     */
    public String hostId()
    {
        return hostId;
    }

    private void discoverOnce()
    {
        try
        {
            if (discoverer == null)
            {
                discoverer = connection.discoverer();
            }
            final List<DiscoveredStream> streams = discoverer.discover();
            pendingReport.set(new DiscoveredStreamsEvent(hostId, streams));
            reportAvailable.complete(null);
        }
        catch (final Exception ex)
        {
            LOG.warn("tensorpool source: reader-side discovery on host={} failed, retrying: {}", hostId,
                ex.toString());
        }
    }
}
