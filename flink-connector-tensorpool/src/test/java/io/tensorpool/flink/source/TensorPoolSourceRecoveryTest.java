package io.tensorpool.flink.source;

import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.flink.source.testing.CollectSink;
import io.tensorpool.flink.source.testing.ProducerRig;
import io.tensorpool.testing.Await;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checkpoint semantics on a MiniCluster with two TaskManagers and real producers: stop-with-savepoint then restore
 * continues each stream at the next seq with no frame of the epoch repeated or lost (the ring still holds what was
 * written meanwhile); a TaskManager failure restarts from the last checkpoint and no frame is lost across it; a
 * producer restart (epoch bump) is followed.
 */
class TensorPoolSourceRecoveryTest
{
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final java.util.concurrent.atomic.AtomicInteger READERS_CREATED =
        new java.util.concurrent.atomic.AtomicInteger();
    private static MiniCluster cluster;

    @TempDir
    Path savepoints;

    private ProducerRig rig;
    private final List<CollectSink> sinks = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception
    {
        final Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 20);
        config.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
            .setConfiguration(config)
            .setNumTaskManagers(2)
            .setNumSlotsPerTaskManager(2)
            .build());
        cluster.start();
    }

    @AfterAll
    static void stopCluster() throws Exception
    {
        cluster.close();
    }

    @BeforeEach
    void setUp()
    {
        rig = new ProducerRig();
    }

    @AfterEach
    void tearDown()
    {
        sinks.forEach(CollectSink::release);
        rig.close();
    }

    @Test
    void stopWithSavepointAndRestoreContinuesEveryStreamAtTheNextSeq() throws Exception
    {
        final int[] streams = {301, 302};
        for (final int id : streams)
        {
            rig.start(id, Long.MAX_VALUE, 256, 5_000_000L, 4096);
        }

        final CollectSink before = sink();
        final JobID first = submit(before, null, 0);
        awaitFrames(before, streams, 30);
        final String savepoint = cluster.stopWithSavepoint(first, savepoints.toUri().toString(), false,
            SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

        final CollectSink after = sink();
        final JobID second = submit(after, savepoint, 0);
        awaitFrames(after, streams, 30);
        cluster.cancelJob(second).get(30, TimeUnit.SECONDS);

        for (final int id : streams)
        {
            final List<Long> seqsBefore = seqs(before.frames(), id);
            final List<Long> seqsAfter = seqs(after.frames(), id);
            assertContiguous(seqsBefore, "before the savepoint, stream " + id);
            assertContiguous(seqsAfter, "after the restore, stream " + id);
            assertEquals(seqsBefore.get(seqsBefore.size() - 1) + 1, seqsAfter.get(0),
                "stream " + id + " resumes right after the last frame before the savepoint");
        }
        before.frames().forEach(f -> TensorPoolSourceMiniClusterTest.assertExactBytes(f, 256));
        after.frames().forEach(f -> TensorPoolSourceMiniClusterTest.assertExactBytes(f, 256));
    }

    @Test
    void taskManagerFailureRecoversWithoutLosingFrames() throws Exception
    {
        final int[] streams = {311, 312};
        for (final int id : streams)
        {
            rig.start(id, Long.MAX_VALUE, 256, 5_000_000L, 4096);
        }
        final CollectSink sink = sink();
        final JobID job = submit(sink, null, 200);
        awaitFrames(sink, streams, 30);
        final int readersBefore = READERS_CREATED.get();
        Await.until("a completed checkpoint", DEADLINE, () -> sink.frames().size() > 100, () -> { });

        // Replace both original TaskManagers, so whichever hosts the readers fails.
        cluster.startTaskManager();
        cluster.startTaskManager();
        cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
        cluster.terminateTaskManager(1).get(30, TimeUnit.SECONDS);
        final long[] atFailure = new long[streams.length];
        for (int i = 0; i < streams.length; i++)
        {
            atFailure[i] = maxSeq(sink.frames(), streams[i]);
        }
        Await.until("frames after recovery", DEADLINE, () ->
        {
            for (int i = 0; i < streams.length; i++)
            {
                if (maxSeq(sink.frames(), streams[i]) < atFailure[i] + 30)
                {
                    return false;
                }
            }
            return true;
        }, () -> { });
        assertEquals(JobStatus.RUNNING, cluster.getJobStatus(job).get());
        assertTrue(READERS_CREATED.get() > readersBefore, "the readers were restarted");
        cluster.cancelJob(job).get(30, TimeUnit.SECONDS);

        for (final int id : streams)
        {
            // At-least-once into this non-transactional sink: frames between the last checkpoint and the failure are
            // emitted again, but none is missing.
            final List<Long> distinct = new ArrayList<>(new TreeSet<>(seqs(sink.frames(), id)));
            assertContiguous(distinct, "stream " + id + " across the failure");
        }
        sink.frames().forEach(f -> TensorPoolSourceMiniClusterTest.assertExactBytes(f, 256));
    }

    @Test
    void producerRestartIsFollowedIntoTheNewEpoch() throws Exception
    {
        final ProducerRig.ProducerThread old = rig.start(321, Long.MAX_VALUE, 256, 5_000_000L, 1024);
        final CollectSink sink = sink();
        final JobID job = submit(sink, null, 0);
        awaitFrames(sink, new int[]{321}, 10);
        final long oldEpoch = sink.frames().get(0).epoch();

        rig.start(321, Long.MAX_VALUE, 256, 5_000_000L, 1024); // picks the next epoch while the old one still exists
        old.close();
        Await.until("frames of the new epoch", DEADLINE,
            () -> sink.frames().stream().filter(f -> f.epoch() > oldEpoch).count() >= 10, () -> { });
        cluster.cancelJob(job).get(30, TimeUnit.SECONDS);

        final Set<String> seen = new HashSet<>();
        long lastEpoch = oldEpoch;
        for (final TensorFrame frame : sink.frames())
        {
            assertTrue(seen.add(frame.epoch() + "/" + frame.seq()), () -> "duplicate " + frame);
            assertTrue(frame.epoch() >= lastEpoch, () -> "epochs only move forward: " + frame);
            lastEpoch = frame.epoch();
            TensorPoolSourceMiniClusterTest.assertExactBytes(frame, 256);
        }
        assertTrue(lastEpoch > oldEpoch);
    }

    private CollectSink sink()
    {
        final CollectSink sink = new CollectSink();
        sinks.add(sink);
        return sink;
    }

    private JobID submit(final CollectSink sink, final String savepoint, final long checkpointMs) throws Exception
    {
        final TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
            .setDiscoveryMode(DiscoveryMode.NONE)
            .setStreamIds(rig.streamIdsStarted())
            .setAttachMode(AttachMode.STANDALONE)
            .setAeronDirectory(rig.aeronDirectoryName())
            .setAllowedBaseDirs(rig.baseDir().toString())
            .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
            .setConnectionFactory(TensorPoolSourceRecoveryTest::countingConnection)
            .build();
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        if (checkpointMs > 0)
        {
            env.enableCheckpointing(checkpointMs);
        }
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "tensorpool").uid("tensorpool-source")
            .sinkTo(sink).uid("collect");
        final JobGraph graph = env.getStreamGraph().getJobGraph();
        if (savepoint != null)
        {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint));
        }
        return cluster.submitJob(graph).get(30, TimeUnit.SECONDS).getJobID();
    }

    private static io.tensorpool.flink.source.reader.TensorPoolConnection countingConnection(
        final org.apache.flink.configuration.ReadableConfig config) throws Exception
    {
        READERS_CREATED.incrementAndGet();
        return io.tensorpool.flink.source.reader.ClientConnection.factory().connect(config);
    }

    private static void awaitFrames(final CollectSink sink, final int[] streams, final long each)
    {
        Await.until(each + " frames of each stream", DEADLINE, () ->
        {
            for (final int id : streams)
            {
                if (sink.count(id) < each)
                {
                    return false;
                }
            }
            return true;
        }, () -> { });
    }

    private static List<Long> seqs(final List<TensorFrame> frames, final int streamId)
    {
        final List<Long> seqs = new ArrayList<>();
        frames.stream().filter(f -> f.streamId() == streamId).forEach(f -> seqs.add(f.seq()));
        return seqs;
    }

    private static long maxSeq(final List<TensorFrame> frames, final int streamId)
    {
        return frames.stream().filter(f -> f.streamId() == streamId).mapToLong(TensorFrame::seq).max().orElse(-1);
    }

    private static void assertContiguous(final List<Long> seqs, final String what)
    {
        assertTrue(!seqs.isEmpty(), what + ": no frames");
        for (int i = 1; i < seqs.size(); i++)
        {
            assertEquals(seqs.get(i - 1) + 1, seqs.get(i), what + ": seqs " + seqs);
        }
    }
}
