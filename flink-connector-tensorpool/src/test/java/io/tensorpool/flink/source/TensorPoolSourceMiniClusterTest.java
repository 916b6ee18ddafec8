package io.tensorpool.flink.source;

import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.flink.source.testing.ProducerRig;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs on a MiniCluster reading real tensorpool producers (embedded Aeron media driver, producer threads in this JVM)
 * through real consumers: every frame arrives once with exactly its committed bytes at parallelism 2 and 4, and
 * streams that appear while the job runs are picked up.
 */
class TensorPoolSourceMiniClusterTest
{
    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(4)
            .build());

    private ProducerRig rig;

    @BeforeEach
    void setUp()
    {
        rig = new ProducerRig();
    }

    @AfterEach
    void tearDown()
    {
        rig.close();
    }

    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {2, 4})
    void everyFrameOfEveryStreamArrivesOnceWithItsExactBytes(final int parallelism) throws Exception
    {
        final int frames = 150;
        final int frameBytes = 4096;
        final int[] streamIds = {101, 102, 103, 104, 105};
        for (final int id : streamIds)
        {
            rig.start(id, frames, frameBytes, 200_000L);
        }

        final TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
            .setDiscoveryMode(DiscoveryMode.NONE)
            .setStreamIds(streamIds)
            .setAttachMode(AttachMode.STANDALONE)
            .setAeronDirectory(rig.aeronDirectoryName())
            .setAllowedBaseDirs(rig.baseDir().toString())
            .setStartingPosition(StartingPosition.EARLIEST_IN_RING)
            .setBoundedFramesPerSplit(frames)
            .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
            .build();

        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        final List<TensorFrame> received = new ArrayList<>();
        try (CloseableIterator<TensorFrame> it =
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensorpool").executeAndCollect("exact"))
        {
            it.forEachRemaining(received::add);
        }

        assertEquals(frames * streamIds.length, received.size());
        final Map<Integer, Set<Long>> seqs = new HashMap<>();
        for (final TensorFrame frame : received)
        {
            assertTrue(seqs.computeIfAbsent(frame.streamId(), k -> new HashSet<>()).add(frame.seq()),
                () -> "duplicate " + frame);
            assertExactBytes(frame, frameBytes);
        }
        for (final int id : streamIds)
        {
            assertEquals(frames, seqs.get(id).size(), "stream " + id);
            assertEquals(frames - 1, new TreeSet<>(seqs.get(id)).last(), "stream " + id + " seqs 0..n-1");
        }
    }

    @Test
    void streamsDiscoveredWhileRunningArePickedUp() throws Exception
    {
        rig.start(201, Long.MAX_VALUE, 1024, 2_000_000L);
        rig.announceInDiscovery(201, "host-a");

        final TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
            .setTags("rig")
            .setDiscoveryInterval(java.time.Duration.ofMillis(100))
            .setDiscovererFactory(rig.discoverer())
            .setHostId("host-a")
            .setAttachMode(AttachMode.STANDALONE)
            .setAeronDirectory(rig.aeronDirectoryName())
            .setAllowedBaseDirs(rig.baseDir().toString())
            .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
            .build();

        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        final Set<Integer> seen = new TreeSet<>();
        try (CloseableIterator<TensorFrame> it =
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensorpool").executeAndCollect("discovery"))
        {
            while (!seen.contains(201))
            {
                final TensorFrame frame = it.next();
                assertExactBytes(frame, 1024);
                seen.add(frame.streamId());
            }
            rig.start(202, Long.MAX_VALUE, 1024, 2_000_000L);
            rig.announceInDiscovery(202, "host-a");
            while (!seen.contains(202))
            {
                final TensorFrame frame = it.next();
                assertExactBytes(frame, 1024);
                seen.add(frame.streamId());
            }
        }
        assertEquals(Set.of(201, 202), seen);
    }

    @Test
    void fullStackDiscoversThroughTheDriverAndReadsWithConsumerLeases() throws Exception
    {
        // Driver instance id = host name: the default on both sides, so splits land on this host's readers.
        rig.startDriver(io.tensorpool.flink.common.HostIdentity.localHostName(), 256);
        final int frames = 100;
        final int[] streamIds = {10501, 10502, 10503};
        for (final int id : streamIds)
        {
            rig.startAttached(id, frames, 4096, 500_000L);
        }

        final TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
            .setTags("rig")
            .setAeronDirectory(rig.aeronDirectoryName())
            .setAllowedBaseDirs(rig.baseDir().toString())
            .setStartingPosition(StartingPosition.EARLIEST_IN_RING)
            .setDiscoveryInterval(java.time.Duration.ofMillis(200))
            .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
            .build();
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        final List<TensorFrame> received = new ArrayList<>();
        final Map<Integer, Integer> perStream = new HashMap<>();
        try (CloseableIterator<TensorFrame> it =
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensorpool").executeAndCollect("full-stack"))
        {
            while (perStream.size() < streamIds.length || perStream.values().stream().anyMatch(n -> n < frames))
            {
                final TensorFrame frame = it.next();
                received.add(frame);
                perStream.merge(frame.streamId(), 1, Integer::sum);
            }
        }

        assertEquals(frames * streamIds.length, received.size());
        final Map<Integer, Set<Long>> seqs = new HashMap<>();
        for (final TensorFrame frame : received)
        {
            assertTrue(seqs.computeIfAbsent(frame.streamId(), k -> new HashSet<>()).add(frame.seq()));
            assertExactBytes(frame, 4096);
        }
        assertEquals(Set.of(10501, 10502, 10503), seqs.keySet());
    }

    static void assertExactBytes(final TensorFrame frame, final int frameBytes)
    {
        assertEquals(frameBytes, frame.payload().length);
        assertEquals(1, frame.ndims());
        assertEquals(frameBytes, frame.shape()[0]);
        for (int i = 0; i < frameBytes; i++)
        {
            if (frame.payload()[i] != ProducerRig.payloadByte(frame.streamId(), frame.epoch(), frame.seq(), i))
            {
                throw new AssertionError("byte " + i + " of " + frame + " differs");
            }
        }
    }
}
