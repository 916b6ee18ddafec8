package io.tensorpool.flink.source;

import io.tensorpool.driver.ShmDriverConfiguration;
import io.tensorpool.flink.common.HostIdentity;
import io.tensorpool.flink.source.enumerator.ReaderHostEvent;
import io.tensorpool.flink.source.enumerator.TensorPoolEnumeratorState;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.flink.source.testing.SuiteHost;
import io.tensorpool.testing.Await;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.connector.source.mocks.MockSplitEnumeratorContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderContext;
import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Zero configuration on a host whose SHM driver runs with its defaults (instance id {@code driver-01}, Driver
 * Model §17, not the host name): discovery names the stream {@code driver-01}; the reader, given no host id, reports
 * its host name, learns the id of the driver it attaches to and reports that; the enumerator, whose reader location is
 * an address, then assigns the split to that reader. Before the reader learned the id, nothing is assigned.
 */
class DefaultDriverIdentityTest
{
    private SuiteHost host;

    @BeforeEach
    void setUp()
    {
        host = new SuiteHost(16);
    }

    @AfterEach
    void tearDown()
    {
        host.close();
    }

    @Test
    void readerLearnsTheDefaultDriverIdAndItsSplitIsAssigned() throws Exception
    {
        assertEquals(ShmDriverConfiguration.INSTANCE_ID_DEFAULT, host.driverInstanceId());
        final SuiteHost.StreamWriter writer = host.newStream();
        writer.write(List.of("frame"));

        final TensorPoolSource<byte[]> source = TensorPoolSource.<byte[]>builder()
            .setAeronDirectory(host.aeronDirectoryName())
            .setAllowedBaseDirs(host.baseDir().toString())
            .setTags(host.tag())
            .setDiscoveryInterval(Duration.ofSeconds(1))
            .setStartingPosition(StartingPosition.EARLIEST_IN_RING)
            .setDeserializer(TensorPoolDeserializationSchema.rawBytes())
            .build();

        final TestingReaderContext readerContext = new TestingReaderContext();
        final List<ReaderHostEvent> reported = new ArrayList<>();
        try (SourceReader<byte[], TensorPoolSplit> reader = source.createReader(readerContext);
            MockSplitEnumeratorContext<TensorPoolSplit> enumContext = new MockSplitEnumeratorContext<>(1);
            SplitEnumerator<TensorPoolSplit, TensorPoolEnumeratorState> enumerator =
                source.createEnumerator(enumContext))
        {
            reader.start();
            final TestingReaderOutput<byte[]> output = new TestingReaderOutput<>();
            Await.until("the reader reports the instance id of its host's driver", Duration.ofSeconds(60),
                () -> collectHostEvents(readerContext, reported).stream().anyMatch(e -> e.driverInstanceId() != null),
                () -> poll(reader, output));

            final ReaderHostEvent first = reported.get(0);
            assertEquals(HostIdentity.localHostName(), first.hostId());
            assertNull(first.driverInstanceId(), "nothing learned yet at start");
            final ReaderHostEvent learned = reported.get(reported.size() - 1);
            assertEquals(HostIdentity.localHostName(), learned.hostId());
            assertEquals("driver-01", learned.driverInstanceId());

            enumerator.start();
            enumContext.registerReader(new ReaderInfo(0, "10.20.30.40"));
            enumerator.addReader(0);
            enumerator.handleSourceEvent(0, first);
            Await.until("enumerator discovered the stream", Duration.ofSeconds(60),
                () -> knownSplits(enumerator).contains(TensorPoolSplit.splitId("driver-01", writer.streamId())),
                () -> runDiscovery(enumContext));
            assertTrue(enumContext.getSplitsAssignmentSequence().isEmpty(),
                "a host name does not match the driver's default id: " + enumContext.getSplitsAssignmentSequence());

            enumerator.handleSourceEvent(0, learned);

            final List<TensorPoolSplit> assigned = new ArrayList<>();
            for (final SplitsAssignment<TensorPoolSplit> assignment : enumContext.getSplitsAssignmentSequence())
            {
                assigned.addAll(assignment.assignment().get(0));
            }
            assertEquals(1, assigned.size(), assigned.toString());
            assertEquals("driver-01", assigned.get(0).ownerHost());
            assertEquals(writer.streamId(), assigned.get(0).streamId());

            reader.addSplits(assigned);
            Await.until("the assigned split's frame is read", Duration.ofSeconds(60),
                () -> !output.getEmittedRecords().isEmpty(), () -> poll(reader, output));
            assertEquals("frame", new String(output.getEmittedRecords().get(0), StandardCharsets.UTF_8));
        }
    }

    private static List<ReaderHostEvent> collectHostEvents(
        final TestingReaderContext context, final List<ReaderHostEvent> into)
    {
        for (final SourceEvent event : context.getSentEvents())
        {
            if (event instanceof ReaderHostEvent)
            {
                into.add((ReaderHostEvent)event);
            }
        }
        context.clearSentEvents();
        return into;
    }

    private static void poll(final SourceReader<byte[], TensorPoolSplit> reader, final TestingReaderOutput<byte[]> out)
    {
        try
        {
            reader.pollNext(out);
            LockSupport.parkNanos(100_000L); // not a synchronisation: keeps the polling loop from spinning hot
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static Set<String> knownSplits(
        final SplitEnumerator<TensorPoolSplit, TensorPoolEnumeratorState> enumerator)
    {
        try
        {
            return enumerator.snapshotState(1).splits().keySet();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void runDiscovery(final MockSplitEnumeratorContext<TensorPoolSplit> context)
    {
        try
        {
            context.runPeriodicCallable(0);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
