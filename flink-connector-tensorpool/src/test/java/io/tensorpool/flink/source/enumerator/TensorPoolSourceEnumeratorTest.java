package io.tensorpool.flink.source.enumerator;

import io.tensorpool.flink.source.StreamSelector;
import io.tensorpool.flink.source.split.DriverEndpoint;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Placement across two hosts (readers 0 and 1 on host-a, 2 and 3 on host-b): every split lands on a reader of its
 * own host, evenly; a stream whose host has no reader stays unassigned and is counted; discovery adds and retires
 * streams; reader-side discovery and reader-reported host identities work without enumerator-side discovery.
 */
class TensorPoolSourceEnumeratorTest
{
    private static final DriverEndpoint DRIVER = new DriverEndpoint("aeron:ipc?term-length=4m", 1000);
    private static final StreamSelector ALL = StreamSelector.of(Set.of(), null, List.of());

    private final List<DiscoveredStream> visible = new CopyOnWriteArrayList<>();
    private final MockSplitEnumeratorContext<TensorPoolSplit> context = new MockSplitEnumeratorContext<>(4);

    @AfterEach
    void close() throws Exception
    {
        context.close();
    }

    @Test
    void assignsEachSplitToAReaderOnItsHostEvenlyAndLeavesOrphansUnassigned() throws Throwable
    {
        addStreams("host-a", 1, 2, 3, 4);
        addStreams("host-b", 10, 11, 12, 13);
        addStreams("host-c", 20);
        final TensorPoolSourceEnumerator enumerator = enumerator(Boundedness.CONTINUOUS_UNBOUNDED);
        enumerator.start();
        context.runPeriodicCallable(0);
        assertTrue(context.getSplitsAssignmentSequence().isEmpty(), "nothing assigned before readers register");

        registerTwoHosts(enumerator);

        final Map<Integer, List<TensorPoolSplit>> placed = assignments();
        assertEquals(Set.of(0, 1, 2, 3), placed.keySet());
        for (final Map.Entry<Integer, List<TensorPoolSplit>> entry : placed.entrySet())
        {
            final String host = entry.getKey() < 2 ? "host-a" : "host-b";
            assertEquals(2, entry.getValue().size(), "balanced: " + placed);
            entry.getValue().forEach(split -> assertEquals(host, split.ownerHost(), "co-located: " + placed));
        }
        assertEquals(1, enumerator.unassignedCount(), "host-c has no reader");
        assertFalse(enumerator.snapshotState(1).assigned().contains("host-c/20"));
        assertTrue(enumerator.snapshotState(1).splits().containsKey("host-c/20"));
    }

    @Test
    void placementIsTheSameForTheSameReadersAfterARestart() throws Throwable
    {
        addStreams("host-a", 1, 2, 3, 4, 5, 6, 7);
        addStreams("host-b", 8, 9, 10);
        final TensorPoolSourceEnumerator first = enumerator(Boundedness.CONTINUOUS_UNBOUNDED);
        first.start();
        registerTwoHosts(first);
        context.runPeriodicCallable(0);
        final Map<Integer, List<TensorPoolSplit>> before = assignments();

        try (MockSplitEnumeratorContext<TensorPoolSplit> other = new MockSplitEnumeratorContext<>(4))
        {
            final TensorPoolSourceEnumerator second = new TensorPoolSourceEnumerator(
                other, this::discoverer, ALL, 1000, Boundedness.CONTINUOUS_UNBOUNDED,
                TensorPoolEnumeratorState.empty());
            second.start();
            for (int i = 0; i < 4; i++)
            {
                other.registerReader(new ReaderInfo(i, i < 2 ? "host-a" : "host-b"));
                second.addReader(i);
            }
            other.runPeriodicCallable(0);
            assertEquals(before, assignments(other));
        }
    }

    @Test
    void newStreamsAreAssignedAndGoneStreamsRetired() throws Throwable
    {
        addStreams("host-a", 1);
        final TensorPoolSourceEnumerator enumerator = enumerator(Boundedness.CONTINUOUS_UNBOUNDED);
        enumerator.start();
        registerTwoHosts(enumerator);
        context.runPeriodicCallable(0);
        assertEquals(Set.of("host-a/1"), enumerator.snapshotState(1).assigned());

        visible.clear();
        addStreams("host-b", 5);
        context.runPeriodicCallable(0);

        assertEquals(Set.of("host-b/5"), enumerator.snapshotState(2).assigned());
        assertEquals(Set.of("host-b/5"), enumerator.snapshotState(2).splits().keySet());
        final Map<Integer, List<SourceEvent>> events = context.getSentSourceEvent();
        for (int subtask = 0; subtask < 4; subtask++)
        {
            final SourceEvent event = events.get(subtask).get(0);
            assertEquals(Set.of("host-a/1"), ((RetireSplitsEvent)event).splitIds());
        }
        final TensorPoolSplit added = assignments().values().stream().flatMap(List::stream)
            .filter(s -> s.streamId() == 5).findFirst().orElseThrow();
        assertEquals("host-b", added.ownerHost());
    }

    @Test
    void readerSideDiscoveryAndReportedHostIdentityNeedNoRegistry() throws Throwable
    {
        final TensorPoolSourceEnumerator enumerator = new TensorPoolSourceEnumerator(
            context, null, StreamSelector.of(Set.of(), "camera", List.of()), 0, Boundedness.CONTINUOUS_UNBOUNDED,
            TensorPoolEnumeratorState.empty());
        enumerator.start();
        for (int i = 0; i < 4; i++)
        {
            // Locations are addresses; the driver names the host differently: readers report the name they see.
            context.registerReader(new ReaderInfo(i, "10.0.0." + (i < 2 ? 1 : 2)));
            enumerator.addReader(i);
            enumerator.handleSourceEvent(i, new ReaderHostEvent(i < 2 ? "host-a" : "host-b"));
        }
        enumerator.handleSourceEvent(0, new DiscoveredStreamsEvent("host-a", List.of(
            stream("host-a", 1, "camera"), stream("host-a", 2, "lidar"))));
        enumerator.handleSourceEvent(2, new DiscoveredStreamsEvent("host-b", List.of(stream("host-b", 3, "camera"))));

        final Map<Integer, List<TensorPoolSplit>> placed = assignments();
        assertEquals(Set.of("host-a/1", "host-b/3"), enumerator.snapshotState(1).assigned(), "name filter applies");
        placed.forEach((subtask, splits) -> splits.forEach(
            split -> assertEquals(subtask < 2 ? "host-a" : "host-b", split.ownerHost())));

        enumerator.handleSourceEvent(2, new DiscoveredStreamsEvent("host-b", List.of()));
        assertEquals(Set.of("host-a/1"), enumerator.snapshotState(2).splits().keySet());
    }

    @Test
    void streamsOfADriverWithItsDefaultInstanceIdGoToTheReadersThatAttachToIt() throws Throwable
    {
        // One host per driver, every driver at the spec's default id: discovery names the streams "driver-01".
        addStreams("driver-01", 1, 2);
        final TensorPoolSourceEnumerator enumerator = enumerator(Boundedness.CONTINUOUS_UNBOUNDED);
        enumerator.start();
        for (int i = 0; i < 4; i++)
        {
            context.registerReader(new ReaderInfo(i, "10.0.0.1"));
            enumerator.addReader(i);
            enumerator.handleSourceEvent(i, new ReaderHostEvent("tm-host-1"));
        }
        context.runPeriodicCallable(0);
        assertTrue(assignments().isEmpty(), "host names alone do not match the driver's id");
        assertEquals(2, enumerator.unassignedCount());

        for (int i = 0; i < 4; i++)
        {
            enumerator.handleSourceEvent(i, new ReaderHostEvent("tm-host-1", "driver-01"));
        }
        assertEquals(Set.of("driver-01/1", "driver-01/2"), enumerator.snapshotState(1).assigned());
        assertEquals(0, enumerator.unassignedCount());
    }

    @Test
    void aDriverInstanceIdInUseOnTwoHostsPlacesNothingByThatId() throws Throwable
    {
        addStreams("driver-01", 1);
        addStreams("host-b", 2);
        final TensorPoolSourceEnumerator enumerator = enumerator(Boundedness.CONTINUOUS_UNBOUNDED);
        enumerator.start();
        for (int i = 0; i < 4; i++)
        {
            final String host = i < 2 ? "host-a" : "host-b";
            context.registerReader(new ReaderInfo(i, "10.0.0." + i));
            enumerator.addReader(i);
            enumerator.handleSourceEvent(i, new ReaderHostEvent(host, "driver-01"));
        }
        context.runPeriodicCallable(0);

        // "driver-01/1" could be on either host: placing it could attach a reader to another host's stream 1.
        assertEquals(Set.of("host-b/2"), enumerator.snapshotState(1).assigned());
        assertEquals(1, enumerator.unassignedCount());
        assertTrue(assignments().keySet().stream().allMatch(subtask -> subtask >= 2), assignments().toString());
    }

    @Test
    void readerSideDiscoveryNamesStreamsByTheReportingHostSoDefaultDriverIdsOnEveryHostWork() throws Throwable
    {
        final TensorPoolSourceEnumerator enumerator = new TensorPoolSourceEnumerator(
            context, null, ALL, 0, Boundedness.CONTINUOUS_UNBOUNDED, TensorPoolEnumeratorState.empty());
        enumerator.start();
        for (int i = 0; i < 4; i++)
        {
            context.registerReader(new ReaderInfo(i, "10.0.0." + (i < 2 ? 1 : 2)));
            enumerator.addReader(i);
            enumerator.handleSourceEvent(i, new ReaderHostEvent(i < 2 ? "host-a" : "host-b", "driver-01"));
        }
        // Both hosts' drivers run with the default id and both have a stream 5.
        enumerator.handleSourceEvent(0, new DiscoveredStreamsEvent("host-a", List.of(stream("driver-01", 5, "a"))));
        enumerator.handleSourceEvent(2, new DiscoveredStreamsEvent("host-b", List.of(stream("driver-01", 5, "b"))));

        assertEquals(Set.of("host-a/5", "host-b/5"), enumerator.snapshotState(1).assigned());
        assignments().forEach((subtask, splits) -> splits.forEach(
            split -> assertEquals(subtask < 2 ? "host-a" : "host-b", split.ownerHost(), assignments().toString())));
    }

    @Test
    void aSplitReturnedByAReaderOnTheWrongHostMovesWithItsProgress() throws Throwable
    {
        addStreams("host-b", 7);
        final TensorPoolSourceEnumerator enumerator = enumerator(Boundedness.CONTINUOUS_UNBOUNDED);
        enumerator.start();
        registerTwoHosts(enumerator);
        context.runPeriodicCallable(0);
        context.getSplitsAssignmentSequence().clear();

        final TensorPoolSplit progressed = new TensorPoolSplit(7, "host-b", DRIVER, 3, 500, 501);
        enumerator.handleSourceEvent(0, new ReturnSplitsEvent(List.of(progressed)));

        final Map<Integer, List<TensorPoolSplit>> placed = assignments();
        assertEquals(1, placed.size());
        final int subtask = placed.keySet().iterator().next();
        assertTrue(subtask >= 2, "host-b readers are 2 and 3, got " + subtask);
        assertEquals(progressed, placed.get(subtask).get(0));
    }

    @Test
    void boundedSourceSignalsNoMoreSplitsAfterTheFirstDiscovery() throws Throwable
    {
        addStreams("host-a", 1, 2);
        final TensorPoolSourceEnumerator enumerator = enumerator(Boundedness.BOUNDED);
        enumerator.start();
        registerTwoHosts(enumerator);
        assertFalse(context.hasNoMoreSplits(0));
        context.runPeriodicCallable(0);
        for (int i = 0; i < 4; i++)
        {
            assertTrue(context.hasNoMoreSplits(i), "subtask " + i);
        }
        assertEquals(Set.of("host-a/1", "host-a/2"), enumerator.snapshotState(1).assigned());
    }

    @Test
    void discoveryFailureKeepsKnownStreams() throws Throwable
    {
        addStreams("host-a", 1);
        final boolean[] fail = {false};
        final TensorPoolSourceEnumerator enumerator = new TensorPoolSourceEnumerator(
            context,
            () -> new FakeDiscoverer(visible, fail),
            ALL, 1000, Boundedness.CONTINUOUS_UNBOUNDED, TensorPoolEnumeratorState.empty());
        enumerator.start();
        context.runPeriodicCallable(0);
        fail[0] = true;
        context.runPeriodicCallable(0);
        assertEquals(Set.of("host-a/1"), enumerator.snapshotState(1).splits().keySet());
    }

    private TensorPoolSourceEnumerator enumerator(final Boundedness boundedness)
    {
        return new TensorPoolSourceEnumerator(
            context, this::discoverer, ALL, 1000, boundedness, TensorPoolEnumeratorState.empty());
    }

    private StreamDiscoverer discoverer()
    {
        return new FakeDiscoverer(visible, new boolean[1]);
    }

    private void registerTwoHosts(final TensorPoolSourceEnumerator enumerator)
    {
        for (int i = 0; i < 4; i++)
        {
            context.registerReader(new ReaderInfo(i, i < 2 ? "host-a" : "host-b"));
            enumerator.addReader(i);
        }
    }

    private void addStreams(final String host, final int... ids)
    {
        for (final int id : ids)
        {
            visible.add(stream(host, id, "s" + id));
        }
    }

    private static DiscoveredStream stream(final String host, final int id, final String name)
    {
        return new DiscoveredStream(id, 1, name, List.of(), host, DRIVER);
    }

    private Map<Integer, List<TensorPoolSplit>> assignments()
    {
        return assignments(context);
    }

    private static Map<Integer, List<TensorPoolSplit>> assignments(
        final MockSplitEnumeratorContext<TensorPoolSplit> context)
    {
        final Map<Integer, List<TensorPoolSplit>> all = new TreeMap<>();
        for (final SplitsAssignment<TensorPoolSplit> assignment : context.getSplitsAssignmentSequence())
        {
            assignment.assignment().forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).addAll(v));
        }
        return all;
    }

    private static final class FakeDiscoverer implements StreamDiscoverer
    {
        private final List<DiscoveredStream> visible;
        private final boolean[] fail;

        FakeDiscoverer(final List<DiscoveredStream> visible, final boolean[] fail)
        {
            this.visible = visible;
            this.fail = fail;
        }

        @Override
        public List<DiscoveredStream> discover() throws Exception
        {
            if (fail[0])
            {
                throw new java.io.IOException("registry unreachable");
            }
            return new ArrayList<>(visible);
        }

        @Override
        public void close()
        {
        }
    }
}
