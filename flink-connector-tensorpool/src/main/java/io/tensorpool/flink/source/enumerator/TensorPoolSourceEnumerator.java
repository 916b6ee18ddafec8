package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.StreamSelector;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One split per (host, stream). Discovers streams periodically on a worker thread ({@code callAsync}, no threads of
 * its own) or learns them from readers ({@link DiscoveredStreamsEvent}), adds new ones, retires gone ones and
 * assigns each to a reader on the stream's host.
 * <p>
 * Placement: among the registered readers on the split's host (by {@code ReaderInfo} location, the host identity a
 * reader reported with {@link ReaderHostEvent}, or the instance id of the driver on the reader's host, unless readers
 * on several hosts report that same instance id), sorted by subtask, the split goes to
 * {@code (hash(host) + streamId) mod n}: consecutive stream ids spread evenly, and the same readers give the same
 * placement after a restart. Nothing is assigned until every subtask has registered, so the first assignment sees
 * every host. A split with no reader on its host stays unassigned, counted in the {@code unassignedSplits} gauge and
 * warned about once.
 * <p>
 * A bounded source reads the streams of its first discovery that finds any, then signals that no more splits come.
 */
@Internal
public final class TensorPoolSourceEnumerator implements SplitEnumerator<TensorPoolSplit, TensorPoolEnumeratorState>
{
    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolSourceEnumerator.class);

    private final SplitEnumeratorContext<TensorPoolSplit> context;
    private final StreamDiscoverer.Factory discovererFactory;
    private final StreamSelector selector;
    private final long discoveryIntervalMs;
    private final Boundedness boundedness;

    private final Map<String, TensorPoolSplit> splits = new LinkedHashMap<>();
    private final Set<String> assigned = new HashSet<>();
    private final Map<Integer, Set<String>> readerHosts = new HashMap<>();
    private final Map<Integer, String> readerDrivers = new HashMap<>();
    private final Map<String, Set<String>> hostsByDriver = new HashMap<>();
    private final Set<String> warnedAmbiguous = new HashSet<>();
    private final Set<Integer> settledReaders = new HashSet<>();
    private final Map<String, List<DiscoveredStream>> reportedByHost = new HashMap<>();
    private final Set<String> warnedUnplaceable = new HashSet<>();
    private final Set<Integer> noMoreSplitsSignalled = new HashSet<>();
    private final Counter discoveryFailures;

    private StreamDiscoverer discoverer;
    private boolean initialDiscoveryDone;
    private int unassignedCount;

    /**
     * @param context             the enumerator context.
     * @param discovererFactory   enumerator-side discovery, or null when readers discover.
     * @param selector            which streams to read.
     * @param discoveryIntervalMs period of discovery; 0 or less discovers once.
     * @param boundedness         bounded sources stop assigning after the first discovery.
     * @param restored            restored state, or {@link TensorPoolEnumeratorState#empty()}.
     */
    public TensorPoolSourceEnumerator(
        final SplitEnumeratorContext<TensorPoolSplit> context,
        final StreamDiscoverer.Factory discovererFactory,
        final StreamSelector selector,
        final long discoveryIntervalMs,
        final Boundedness boundedness,
        final TensorPoolEnumeratorState restored)
    {
        this.context = context;
        this.discovererFactory = discovererFactory;
        this.selector = selector;
        this.discoveryIntervalMs = discoveryIntervalMs;
        this.boundedness = boundedness;
        this.splits.putAll(restored.splits());
        this.assigned.addAll(restored.assigned());

        discoveryFailures = context.metricGroup().counter("discoveryFailures");
        context.metricGroup().gauge("unassignedSplits", () -> unassignedCount);
        context.metricGroup().gauge("knownSplits", splits::size);
    }

    @Override
    public void start()
    {
        if (discovererFactory == null)
        {
            LOG.info("tensorpool source: readers discover streams on their own hosts; selector={}", selector);
            return;
        }
        if (discoveryIntervalMs > 0)
        {
            LOG.info("tensorpool source: discovering streams every {} ms; selector={}", discoveryIntervalMs, selector);
            context.callAsync(this::discover, this::onDiscovered, 0, discoveryIntervalMs);
        }
        else
        {
            LOG.info("tensorpool source: discovering streams once; selector={}", selector);
            context.callAsync(this::discover, this::onDiscovered);
        }
    }

    @Override
    public void handleSplitRequest(final int subtaskId, final String requesterHostname)
    {
        // Splits are pushed on discovery; readers never ask.
    }

    @Override
    public void addSplitsBack(final List<TensorPoolSplit> returned, final int subtaskId)
    {
        LOG.debug("tensorpool source: {} splits back from subtask={}", returned.size(), subtaskId);
        for (final TensorPoolSplit split : returned)
        {
            unassign(split);
        }
        assignPending();
    }

    @Override
    public void addReader(final int subtaskId)
    {
        final ReaderInfo info = context.registeredReaders().get(subtaskId);
        if (info != null && info.getLocation() != null)
        {
            readerHosts.computeIfAbsent(subtaskId, k -> new HashSet<>()).add(info.getLocation());
        }
        noMoreSplitsSignalled.remove(subtaskId);
        settledReaders.remove(subtaskId);
        LOG.debug("tensorpool source: reader subtask={} hosts={}", subtaskId, readerHosts.get(subtaskId));
        assignPending();
    }

    @Override
    public void handleSourceEvent(final int subtaskId, final SourceEvent event)
    {
        if (event instanceof ReaderHostEvent)
        {
            onReaderHost(subtaskId, (ReaderHostEvent)event);
            assignPending();
        }
        else if (event instanceof DiscoveredStreamsEvent)
        {
            final DiscoveredStreamsEvent report = (DiscoveredStreamsEvent)event;
            // A reader reports its own host's driver: the stream is on the reporting host, whatever id that driver
            // has (every host's driver may be at the default instance id).
            final List<DiscoveredStream> onHost = new ArrayList<>(report.streams().size());
            for (final DiscoveredStream stream : report.streams())
            {
                onHost.add(new DiscoveredStream(stream.streamId(), stream.epoch(), stream.name(), stream.tags(),
                    report.hostId(), stream.driver()));
            }
            reportedByHost.put(report.hostId(), onHost);
            final List<DiscoveredStream> all = new ArrayList<>();
            reportedByHost.values().forEach(all::addAll);
            reconcile(all);
        }
        else if (event instanceof ReturnSplitsEvent)
        {
            for (final TensorPoolSplit split : ((ReturnSplitsEvent)event).splits())
            {
                LOG.info("tensorpool source: subtask={} is not on host={}, placing split={} again",
                    subtaskId, split.ownerHost(), split.splitId());
                unassign(split);
            }
            assignPending();
        }
        else
        {
            LOG.warn("tensorpool source: ignoring unknown source event {} from subtask={}", event, subtaskId);
        }
    }

    @Override
    public TensorPoolEnumeratorState snapshotState(final long checkpointId)
    {
        return new TensorPoolEnumeratorState(splits, assigned);
    }

    @Override
    public void close()
    {
        if (discoverer != null)
        {
            discoverer.close();
            discoverer = null;
        }
    }

    /**
     * @return splits known but not assigned (no co-located reader, or readers still registering).
     */
    int unassignedCount()
    {
        return unassignedCount;
    }

    // Runs on a worker thread: must not touch enumerator fields other than the discoverer it alone uses.
    private List<DiscoveredStream> discover() throws Exception
    {
        if (discoverer == null)
        {
            discoverer = discovererFactory.create();
        }
        return discoverer.discover();
    }

    private void onDiscovered(final List<DiscoveredStream> streams, final Throwable error)
    {
        if (error != null)
        {
            discoveryFailures.inc();
            LOG.warn("tensorpool source: discovery failed, keeping the {} known streams: {}",
                splits.size(), error.toString());
            return;
        }
        reconcile(streams);
    }

    private void reconcile(final List<DiscoveredStream> streams)
    {
        final Map<String, DiscoveredStream> current = new TreeMap<>();
        for (final DiscoveredStream stream : streams)
        {
            if (selector.matches(stream))
            {
                current.put(TensorPoolSplit.splitId(stream.driverInstanceId(), stream.streamId()), stream);
            }
        }
        if (boundedness == Boundedness.BOUNDED)
        {
            if (initialDiscoveryDone)
            {
                return; // a bounded source reads the streams of its first non-empty discovery, no others
            }
            if (current.isEmpty())
            {
                LOG.info("tensorpool source: bounded source found no stream yet; selector={}", selector);
                return;
            }
        }

        final Set<String> gone = new TreeSet<>(splits.keySet());
        gone.removeAll(current.keySet());
        if (!gone.isEmpty() && boundedness == Boundedness.CONTINUOUS_UNBOUNDED)
        {
            LOG.info("tensorpool source: streams gone from discovery, retiring splits={}", gone);
            for (final String id : gone)
            {
                splits.remove(id);
                assigned.remove(id);
                warnedUnplaceable.remove(id);
            }
            for (final int subtask : context.registeredReaders().keySet())
            {
                context.sendEventToSourceReader(subtask, new RetireSplitsEvent(gone));
            }
        }

        if (!initialDiscoveryDone || boundedness == Boundedness.CONTINUOUS_UNBOUNDED)
        {
            for (final Map.Entry<String, DiscoveredStream> entry : current.entrySet())
            {
                if (!splits.containsKey(entry.getKey()))
                {
                    final DiscoveredStream stream = entry.getValue();
                    final TensorPoolSplit split = TensorPoolSplit.fresh(
                        stream.streamId(), stream.driverInstanceId(), stream.driver());
                    LOG.info("tensorpool source: new stream={} host={} epoch={} name={}",
                        Integer.toUnsignedString(stream.streamId()), stream.driverInstanceId(), stream.epoch(),
                        stream.name());
                    splits.put(split.splitId(), split);
                }
            }
        }
        initialDiscoveryDone = true;
        assignPending();
    }

    private void onReaderHost(final int subtaskId, final ReaderHostEvent event)
    {
        readerHosts.computeIfAbsent(subtaskId, k -> new HashSet<>()).add(event.hostId());
        if (event.settled())
        {
            settledReaders.add(subtaskId);
        }
        final String driver = event.driverInstanceId();
        if (driver != null)
        {
            readerDrivers.put(subtaskId, driver);
            final Set<String> hosts = hostsByDriver.computeIfAbsent(driver, k -> new TreeSet<>());
            hosts.add(event.hostId());
            if (hosts.size() > 1 && warnedAmbiguous.add(driver))
            {
                LOG.warn("tensorpool source: driver instance id={} is reported by readers on several hosts {}; " +
                    "streams owned by it cannot be placed by that name (give each host's driver its own " +
                    "driver.instance_id, e.g. the host name)", driver, hosts);
            }
        }
    }

    private boolean onHostOf(final int subtask, final String owner)
    {
        final Set<String> hosts = readerHosts.get(subtask);
        if (hosts != null && hosts.contains(owner))
        {
            return true;
        }
        // The reader's local driver owns the stream, unless that instance id is in use on several hosts.
        return owner.equals(readerDrivers.get(subtask)) && hostsByDriver.get(owner).size() == 1;
    }

    private void unassign(final TensorPoolSplit split)
    {
        splits.put(split.splitId(), split);
        assigned.remove(split.splitId());
    }

    private void assignPending()
    {
        final Map<Integer, ReaderInfo> registered = context.registeredReaders();
        if (registered.size() < context.currentParallelism())
        {
            unassignedCount = splits.size() - assigned.size();
            return;
        }

        final Map<Integer, List<TensorPoolSplit>> assignment = new TreeMap<>();
        int unplaceable = 0;
        for (final TensorPoolSplit split : splits.values())
        {
            if (assigned.contains(split.splitId()))
            {
                continue;
            }
            final List<Integer> candidates = readersOn(split, registered.keySet());
            if (candidates.isEmpty())
            {
                unplaceable++;
                if (warnedUnplaceable.add(split.splitId()))
                {
                    LOG.warn("tensorpool source: stream={} on host={} has no reader on that host (reader hosts: {}," +
                        " their drivers: {}); it stays unassigned until one registers",
                        Integer.toUnsignedString(split.streamId()), split.ownerHost(), readerHosts, readerDrivers);
                }
                continue;
            }
            final int start = (split.ownerHost().hashCode() * 31) & 0x7FFF_FFFF;
            final int owner = candidates.get(Math.floorMod(start + split.streamId(), candidates.size()));
            assignment.computeIfAbsent(owner, k -> new ArrayList<>()).add(split);
        }

        unassignedCount = unplaceable;
        if (!assignment.isEmpty())
        {
            for (final Map.Entry<Integer, List<TensorPoolSplit>> entry : assignment.entrySet())
            {
                for (final TensorPoolSplit split : entry.getValue())
                {
                    assigned.add(split.splitId());
                    warnedUnplaceable.remove(split.splitId());
                    LOG.info("tensorpool source: assigning split={} to subtask={}", split.splitId(), entry.getKey());
                }
            }
            context.assignSplits(new SplitsAssignment<>(assignment));
        }

        // A bounded source ends a reader's split list only when every split is placed, or every reader has told
        // all it will learn about its host: a reader still asking its driver may be the one a split needs.
        if (boundedness == Boundedness.BOUNDED && initialDiscoveryDone &&
            (unplaceable == 0 || settledReaders.containsAll(registered.keySet())))
        {
            for (final int subtask : registered.keySet())
            {
                if (noMoreSplitsSignalled.add(subtask))
                {
                    context.signalNoMoreSplits(subtask);
                }
            }
        }
    }

    private List<Integer> readersOn(final TensorPoolSplit split, final Collection<Integer> subtasks)
    {
        final List<Integer> candidates = new ArrayList<>();
        for (final int subtask : new TreeSet<>(subtasks))
        {
            if (TensorPoolSplit.ANY_HOST.equals(split.ownerHost()) || onHostOf(subtask, split.ownerHost()))
            {
                candidates.add(subtask);
            }
        }
        return candidates;
    }
}
