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
import java.util.TreeSet;
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
 * On start it tells the enumerator its host identity; unless a host id is configured, it then learns the instance id
 * of the driver on its host (from that driver's embedded discovery provider, asking once a second until the driver
 * lists a stream) and tells the enumerator that too, because discovery names a host's streams by that id, whatever
 * the driver's configuration. Splits of another host (possible after a rescale, when Flink
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

    private static final long LEARN_PERIOD_MS = 1000;
    private static final CompletableFuture<Void> AVAILABLE = CompletableFuture.completedFuture(null);

    private final TensorPoolConnection connection;
    private final String hostId;
    private final boolean learnLocalDriver;
    private volatile String localDriverId;
    private final AtomicReference<ReaderHostEvent> pendingHostEvent = new AtomicReference<>();
    private boolean reportedOnce;
    private boolean warnedSeveralDrivers;
    private boolean warnedLearnFailure;
    private boolean firstAskDone;
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
     * @param hostId                    this reader's host identity (configured, else the host name).
     * @param localDriverId             the instance id of the driver on this host if already known, else null.
     * @param learnLocalDriver          ask the local driver for its instance id if {@code localDriverId} is null.
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
        final String localDriverId,
        final boolean learnLocalDriver,
        final Set<String> retired,
        final long readerDiscoveryIntervalMs)
    {
        super(splitReaderSupplier, emitter, config, context);
        this.connection = connection;
        this.hostId = hostId;
        this.localDriverId = localDriverId;
        this.learnLocalDriver = learnLocalDriver && localDriverId == null;
        this.retired = retired;
        this.readerDiscoveryIntervalMs = readerDiscoveryIntervalMs;
    }

    @Override
    public void start()
    {
        super.start();
        context.sendSourceEventToCoordinator(new ReaderHostEvent(hostId, localDriverId, !learnLocalDriver));
        if (readerDiscoveryIntervalMs >= 0 || learnLocalDriver)
        {
            discoveryThread = Executors.newSingleThreadScheduledExecutor(runnable ->
            {
                final Thread thread = new Thread(runnable, "tensorpool-discovery-" + context.getIndexOfSubtask());
                thread.setDaemon(true);
                return thread;
            });
            final Runnable round = this::discoverOnce;
            final long period = readerDiscoveryIntervalMs > 0 ? readerDiscoveryIntervalMs : LEARN_PERIOD_MS;
            discoveryThread.scheduleWithFixedDelay(round, 0, period, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public InputStatus pollNext(final ReaderOutput<T> output) throws Exception
    {
        final ReaderHostEvent host = pendingHostEvent.getAndSet(null);
        final DiscoveredStreamsEvent report = pendingReport.getAndSet(null);
        if (host != null)
        {
            context.sendSourceEventToCoordinator(host);
        }
        if (report != null)
        {
            context.sendSourceEventToCoordinator(report);
        }
        return super.pollNext(output);
    }

    @Override
    public CompletableFuture<Void> isAvailable()
    {
        if (hasEventToForward())
        {
            return AVAILABLE;
        }
        final CompletableFuture<Void> fetched = super.isAvailable();
        if (discoveryThread == null || fetched.isDone())
        {
            return fetched;
        }
        CompletableFuture<Void> signal = reportAvailable;
        if (signal.isDone())
        {
            // Renew a spent signal, then look again: the discovery thread may have completed the old one late.
            signal = new CompletableFuture<>();
            reportAvailable = signal;
            if (hasEventToForward())
            {
                return AVAILABLE;
            }
        }
        return CompletableFuture.anyOf(fetched, signal).thenApply(ignore -> null);
    }

    private boolean hasEventToForward()
    {
        return pendingHostEvent.get() != null || pendingReport.get() != null;
    }

    @Override
    public void addSplits(final List<TensorPoolSplit> splits)
    {
        final List<TensorPoolSplit> readable = new ArrayList<>(splits.size());
        final List<TensorPoolSplit> misplaced = new ArrayList<>();
        for (final TensorPoolSplit split : splits)
        {
            (readableHere(split) ? readable : misplaced).add(split);
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

    private void learnLocalDriver(final List<DiscoveredStream> streams)
    {
        // The local driver's embedded provider describes that one driver: every stream it lists carries its id.
        final Set<String> ids = new TreeSet<>();
        for (final DiscoveredStream stream : streams)
        {
            if (!TensorPoolSplit.ANY_HOST.equals(stream.driverInstanceId()))
            {
                ids.add(stream.driverInstanceId());
            }
        }
        if (ids.size() != 1 && !firstAskDone)
        {
            // settled for now: a bounded source need not wait for a driver that lists no stream of ours yet
            pendingHostEvent.set(new ReaderHostEvent(hostId, null, true));
        }
        if (ids.size() == 1)
        {
            final String id = ids.iterator().next();
            pendingHostEvent.set(new ReaderHostEvent(hostId, id)); // before the id: isAvailable reads them in turn
            localDriverId = id;
            LOG.info("tensorpool source: subtask={} host={} attaches to driver instance={}",
                context.getIndexOfSubtask(), hostId, id);
        }
        else if (ids.size() > 1 && !warnedSeveralDrivers)
        {
            warnedSeveralDrivers = true;
            LOG.warn("tensorpool source: subtask={} host={}: the driver endpoint lists streams of several drivers " +
                "{}; not taking any as this host's (set tensorpool.host-id)", context.getIndexOfSubtask(), hostId,
                ids);
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

    /**
     * @return the instance id of the driver on this host, once known (configured connections know it at once).
     */
    public String localDriverId()
    {
        return localDriverId;
    }

    private boolean readableHere(final TensorPoolSplit split)
    {
        final String driver = localDriverId;
        return split.readableOn(hostId) || split.readableOn(context.getLocalHostName()) ||
            (driver != null && split.readableOn(driver));
    }

    // Runs on the discovery thread: reader-side discovery rounds and learning the local driver's instance id.
    private void discoverOnce()
    {
        try
        {
            final boolean report = readerDiscoveryIntervalMs > 0 || (readerDiscoveryIntervalMs == 0 && !reportedOnce);
            final boolean learn = learnLocalDriver && localDriverId == null;
            if (!report && !learn)
            {
                return;
            }
            if (discoverer == null)
            {
                discoverer = connection.discoverer();
            }
            final List<DiscoveredStream> streams = discoverer.discover();
            if (learn)
            {
                learnLocalDriver(streams);
                firstAskDone = true;
            }
            if (report)
            {
                pendingReport.set(new DiscoveredStreamsEvent(hostId, streams));
                reportedOnce = true;
            }
            reportAvailable.complete(null);
        }
        catch (final Exception ex)
        {
            if (learnLocalDriver && !firstAskDone)
            {
                firstAskDone = true;
                pendingHostEvent.set(new ReaderHostEvent(hostId, null, true));
                reportAvailable.complete(null);
            }
            if (readerDiscoveryIntervalMs >= 0 || !warnedLearnFailure)
            {
                // learning alone retries every second: say it once (a driver without an embedded provider)
                warnedLearnFailure = readerDiscoveryIntervalMs < 0;
                LOG.warn("tensorpool source: discovery through the local driver on host={} failed, retrying: {}",
                    hostId, ex.toString());
            }
        }
    }
}
