package io.tensorpool.flink.source.reader;

import io.tensorpool.client.DataSourceMetadata;
import io.tensorpool.flink.source.FrameTimestampAssigner;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.TensorPoolDeserializationSchema;
import io.tensorpool.flink.source.TensorPoolSourceOptions;
import io.tensorpool.flink.source.split.TensorPoolSplit;
import io.tensorpool.flink.source.testing.ShmTestStream;
import io.tensorpool.flink.source.testing.ShmTestStreams;
import io.tensorpool.shm.FrameView;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The split reader over real shared-memory regions: records carry exactly the committed bytes; a frame overwritten
 * while its record was built is dropped and counted, never emitted; a restored split emits the rest of its epoch from
 * the ring without repeating a frame, and the whole new epoch after a producer restart; bounded and retired splits
 * finish.
 */
class TensorPoolSplitReaderTest
{
    private static final String HOST = "host-a";

    @TempDir
    Path dir;

    private ShmTestStreams streams;
    private ShmTestStream stream;
    private final Set<String> retired = ConcurrentHashMap.newKeySet();
    private final ReaderMetrics metrics = new ReaderMetrics(UnregisteredMetricsGroup.createSourceReaderMetricGroup());

    @BeforeEach
    void setUp()
    {
        streams = new ShmTestStreams(dir, HOST);
        stream = streams.add(7, 16, 4096);
    }

    @AfterEach
    void tearDown()
    {
        streams.close();
    }

    @Test
    void recordsAreTheCommittedBytesAndAFrameOverwrittenMeanwhileIsDropped() throws Exception
    {
        for (int i = 0; i < 3; i++)
        {
            stream.write(100 + i, 1_000L * i);
        }
        final TensorPoolDeserializationSchema<byte[]> overwritingSeq1 = new TensorPoolDeserializationSchema<>()
        {
            @Override
            public byte[] deserialize(final FrameView frame, final DataSourceMetadata metadata)
            {
                final byte[] bytes = new byte[frame.valuesLength()];
                frame.payload().getBytes(0, bytes);
                if (frame.seq() == 1)
                {
                    stream.overwriteInProgress(1 + 16); // the producer laps the ring onto this slot mid-read
                }
                return bytes;
            }

            @Override
            public TypeInformation<byte[]> getProducedType()
            {
                return PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO;
            }
        };
        final TensorPoolSplitReader<byte[]> reader = reader(overwritingSeq1, StartingPosition.EARLIEST_IN_RING,
            new Configuration());
        final TensorPoolSplit split = TensorPoolSplit.fresh(7, HOST, driver());
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));

        final List<FetchedFrame<byte[]>> frames = drain(reader, 2);
        assertEquals(List.of(0L, 2L), seqs(frames));
        for (final FetchedFrame<byte[]> frame : frames)
        {
            assertEquals(100 + (int)frame.seq, frame.record.length);
            for (int i = 0; i < frame.record.length; i++)
            {
                assertEquals(ShmTestStream.payloadByte(7, 1, frame.seq, i), frame.record[i]);
            }
            assertEquals(1, frame.epoch);
        }
        assertEquals(1, metrics.split(split.splitId()).dropsCommitWindow());
        reader.close();
    }

    @Test
    void restoredSplitReplaysTheRestOfItsEpochThenGoesLiveWithoutRepeats() throws Exception
    {
        for (int i = 0; i < 10; i++)
        {
            stream.write(64, i);
        }
        final TensorPoolSplitReader<byte[]> reader = reader(TensorPoolDeserializationSchema.rawBytes(),
            StartingPosition.LATEST, new Configuration());
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(
            new TensorPoolSplit(7, HOST, driver(), 1, 5, 6))));

        assertEquals(List.of(6L, 7L, 8L, 9L), seqs(drain(reader, 4)));
        stream.write(64, 10);
        stream.write(64, 11);
        assertEquals(List.of(10L, 11L), seqs(drain(reader, 2)));
        reader.close();
    }

    @Test
    void afterAProducerRestartTheNewEpochIsReadFromItsOldestFrame() throws Exception
    {
        stream.write(64, 0);
        stream.restart();
        for (int i = 0; i < 3; i++)
        {
            stream.write(64, i);
        }
        final TensorPoolSplitReader<byte[]> reader = reader(TensorPoolDeserializationSchema.rawBytes(),
            StartingPosition.LATEST, new Configuration());
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(new TensorPoolSplit(7, HOST, driver(), 1, 40, 41))));

        final List<FetchedFrame<byte[]>> frames = drain(reader, 3);
        assertEquals(List.of(0L, 1L, 2L), seqs(frames));
        frames.forEach(f -> assertEquals(2, f.epoch));
        assertEquals(ShmTestStream.payloadByte(7, 2, 2, 5), frames.get(2).record[5]);
        reader.close();
    }

    @Test
    void liveEpochChangeIsFollowedAndCounted() throws Exception
    {
        final TensorPoolSplitReader<byte[]> reader = reader(TensorPoolDeserializationSchema.rawBytes(),
            StartingPosition.LATEST, new Configuration());
        final TensorPoolSplit split = TensorPoolSplit.fresh(7, HOST, driver());
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(split)));
        stream.write(64, 0);
        stream.write(64, 1);
        assertEquals(List.of(0L, 1L), seqs(drain(reader, 2)));

        stream.restart();
        stream.write(64, 2);
        final List<FetchedFrame<byte[]>> after = drain(reader, 1);
        assertEquals(0L, after.get(0).seq);
        assertEquals(2L, after.get(0).epoch);
        reader.fetch();
        assertEquals(1L, metrics.split(split.splitId()).epochChanges);
        reader.close();
    }

    @Test
    void boundedSplitFinishesAfterItsFramesAndRetiredSplitFinishes() throws Exception
    {
        for (int i = 0; i < 5; i++)
        {
            stream.write(64, i);
        }
        final Configuration bounded = new Configuration();
        bounded.set(TensorPoolSourceOptions.STOP_AFTER_FRAMES, 3L);
        final TensorPoolSplitReader<byte[]> reader = reader(TensorPoolDeserializationSchema.rawBytes(),
            StartingPosition.EARLIEST_IN_RING, bounded);
        final ShmTestStream other = streams.add(8, 16, 4096);
        reader.handleSplitsChanges(new SplitsAddition<>(List.of(
            TensorPoolSplit.fresh(7, HOST, driver()), TensorPoolSplit.fresh(8, HOST, driver()))));

        final RecordsWithSplitIds<FetchedFrame<byte[]>> batch = reader.fetch();
        final List<FetchedFrame<byte[]>> frames = new ArrayList<>();
        for (String id = batch.nextSplit(); id != null; id = batch.nextSplit())
        {
            for (FetchedFrame<byte[]> f = batch.nextRecordFromSplit(); f != null; f = batch.nextRecordFromSplit())
            {
                frames.add(f);
            }
        }
        assertEquals(List.of(0L, 1L, 2L), seqs(frames));
        assertEquals(Set.of(HOST + "/7"), batch.finishedSplits());

        retired.add(HOST + "/8");
        other.write(64, 0);
        assertEquals(Set.of(HOST + "/8"), reader.fetch().finishedSplits());
        assertTrue(reader.splitIds().isEmpty());
        reader.close();
    }

    @Test
    void aConnectionThatCanNeverOpenAgainFailsTheFetchInsteadOfRetrying() throws Exception
    {
        final TensorPoolConnection closed = new TensorPoolConnection()
        {
            @Override
            public String localDriverInstanceId()
            {
                return null;
            }

            @Override
            public FrameSource open(final TensorPoolSplit split, final StartingPosition position)
            {
                throw new org.agrona.concurrent.AgentTerminationException(
                    "tensorpool source reader cannot continue: its Aeron client is closed");
            }

            @Override
            public io.tensorpool.flink.source.enumerator.StreamDiscoverer discoverer()
            {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close()
            {
            }
        };
        final TensorPoolSplitReader<byte[]> reader = new TensorPoolSplitReader<>(closed,
            TensorPoolDeserializationSchema.rawBytes(), FrameTimestampAssigner.monotonicToEpochMillis(),
            StartingPosition.LATEST, ReaderSettings.from(new Configuration()), metrics, retired);
        // the split is opened as it is added (and again on each fetch until it opens): either fails the fetcher
        final org.agrona.concurrent.AgentTerminationException ex = org.junit.jupiter.api.Assertions.assertThrows(
            org.agrona.concurrent.AgentTerminationException.class, () ->
            {
                reader.handleSplitsChanges(new SplitsAddition<>(List.of(TensorPoolSplit.fresh(7, HOST, driver()))));
                reader.fetch();
            });
        assertTrue(ex.getMessage().contains("Aeron client is closed"), ex.getMessage());
        reader.close();
    }

    private TensorPoolSplitReader<byte[]> reader(
        final TensorPoolDeserializationSchema<byte[]> schema,
        final StartingPosition position,
        final Configuration config) throws Exception
    {
        return new TensorPoolSplitReader<>(streams.connectionFactory().connect(config), schema,
            FrameTimestampAssigner.monotonicToEpochMillis(), position, ReaderSettings.from(config), metrics, retired);
    }

    private static io.tensorpool.flink.source.split.DriverEndpoint driver()
    {
        return new io.tensorpool.flink.source.split.DriverEndpoint("aeron:ipc?term-length=4m", 1000);
    }

    private static List<FetchedFrame<byte[]>> drain(final TensorPoolSplitReader<byte[]> reader, final int expected)
        throws Exception
    {
        final List<FetchedFrame<byte[]>> frames = new ArrayList<>();
        final long deadline = System.nanoTime() + 10_000_000_000L;
        while (frames.size() < expected && System.nanoTime() < deadline)
        {
            final RecordsWithSplitIds<FetchedFrame<byte[]>> batch = reader.fetch();
            for (String id = batch.nextSplit(); id != null; id = batch.nextSplit())
            {
                for (FetchedFrame<byte[]> f = batch.nextRecordFromSplit(); f != null; f = batch.nextRecordFromSplit())
                {
                    frames.add(f);
                }
            }
        }
        return frames;
    }

    private static List<Long> seqs(final List<FetchedFrame<byte[]>> frames)
    {
        final List<Long> seqs = new ArrayList<>();
        frames.forEach(f -> seqs.add(f.seq));
        return seqs;
    }
}
