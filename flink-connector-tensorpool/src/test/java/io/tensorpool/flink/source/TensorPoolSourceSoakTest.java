package io.tensorpool.flink.source;

import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.hardening.soak.SoakClients;
import io.tensorpool.hardening.soak.SoakMain;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak run ({@link SoakMain}: SHM driver, producer and consumers in their own JVMs, random SIGKILLs) with a Flink
 * job as one more participant: a MiniCluster job whose {@link TensorPoolSource} reads the soak stream through the
 * driver (attach mode DRIVER), checks every byte of every frame and counts. When the random kill picks the job, its
 * validating operator throws once, so the job fails over and restores from its last checkpoint (a recovery). Off by
 * default (minutes): {@code -Dtensorpool.soak.seconds=120} enables it (see docs/hardening.md).
 * <p>
 * Lossy semantics (Wire §15.4, the connector's at-least-once restore): frames may be skipped (gaps, counted) and,
 * after a restore, frames after the checkpoint may be emitted again (replays, counted). Outside those semantics, and
 * required to be zero: a frame with a wrong byte, and a frame out of order or repeated within one incarnation of the
 * job and one epoch.
 */
@Tag("soak")
class TensorPoolSourceSoakTest
{
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension MINI_CLUSTER = new MiniClusterExtension(
        new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .build());

    /** Counters shared with the operator: the MiniCluster runs it in this JVM. */
    static final AtomicLong GOOD = new AtomicLong();
    static final AtomicLong BAD = new AtomicLong();
    static final AtomicLong GAPS = new AtomicLong();
    static final AtomicLong OUT_OF_ORDER = new AtomicLong();
    static final AtomicLong REPLAYED = new AtomicLong();
    static final AtomicLong EPOCHS = new AtomicLong();
    static final AtomicLong INCARNATIONS = new AtomicLong();
    static final AtomicBoolean FAIL_NEXT = new AtomicBoolean();

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    @EnabledIfSystemProperty(named = "tensorpool.soak.seconds", matches = "\\d+")
    void flinkJobReadsTheSoakStreamThroughRandomKills() throws Exception
    {
        final FlinkJob job = new FlinkJob();
        final Map<String, Long> totals = SoakMain.run(Integer.getInteger("tensorpool.soak.seconds"),
            Integer.getInteger("tensorpool.soak.consumers", 3),
            Integer.getInteger("tensorpool.soak.killEverySeconds", 10), job);
        final Map<String, Long> flink = new TreeMap<>();
        flink.put("framesDelivered", GOOD.get());
        flink.put("badFrames", BAD.get());
        flink.put("outOfOrderOrRepeated", OUT_OF_ORDER.get());
        flink.put("seqGaps", GAPS.get());
        flink.put("replayedAfterRestore", REPLAYED.get());
        flink.put("epochsFollowed", EPOCHS.get());
        flink.put("jobIncarnations", INCARNATIONS.get());
        flink.put("sourceDropsGap", sum(job.jobId, "dropsGap"));
        flink.put("sourceDropsLate", sum(job.jobId, "dropsLate"));
        flink.put("sourceRejectedFrames", sum(job.jobId, "rejectedFrames"));
        flink.put("sourceEpochChanges", sum(job.jobId, "epochChanges"));
        System.out.println("SOAK RESULT " + new TreeMap<>(totals));
        System.out.println("FLINK RESULT " + flink);

        assertEquals(0L, totals.get("badFrames"), "process consumers delivered wrong bytes: " + totals);
        assertEquals(0L, BAD.get(), "the Flink job received wrong bytes: " + flink);
        assertEquals(0L, OUT_OF_ORDER.get(), "frames out of order or repeated within one incarnation: " + flink);
        assertTrue(GOOD.get() > 0, "the Flink job received nothing: " + flink);
        assertTrue(totals.getOrDefault("framesDelivered", 0L) > 0, totals.toString());
    }

    /** Sum of a split gauge over every reader incarnation of the job (the reporter retains those of failed ones). */
    private static long sum(final JobID job, final String metric)
    {
        if (job == null)
        {
            return -1;
        }
        long total = 0;
        for (final Map.Entry<MetricGroup, Map<String, Metric>> group : REPORTER.getMetricsByGroup().entrySet())
        {
            if (!job.toString().equals(group.getKey().getAllVariables().get("<job_id>")))
            {
                continue;
            }
            final Metric gauge = group.getValue().get(metric);
            if (gauge instanceof Gauge)
            {
                final Object value = ((Gauge<?>)gauge).getValue();
                if (value instanceof Number)
                {
                    total += ((Number)value).longValue();
                }
            }
        }
        return total;
    }

    /** The Flink job as a soak participant. */
    private static final class FlinkJob implements SoakMain.Participant
    {
        private JobClient client;
        JobID jobId;

        @Override
        public String name()
        {
            return "flinkJob";
        }

        @Override
        public void start(final String aeronDirectoryName, final Path baseDir) throws Exception
        {
            final TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
                .setDiscoveryMode(DiscoveryMode.NONE)
                .setStreamIds(SoakClients.STREAM)
                .setAttachMode(AttachMode.DRIVER)
                .setAeronDirectory(aeronDirectoryName)
                .setAllowedBaseDirs(baseDir.toString())
                .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
                .build();
            final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(1000);
            env.fromSource(source, WatermarkStrategy.noWatermarks(), "soak-source")
                .map(new Validate())
                .sinkTo(new DiscardingSink<>());
            client = env.executeAsync("tensorpool-soak");
            jobId = client.getJobID();
        }

        @Override
        public void kill()
        {
            FAIL_NEXT.set(true);
        }

        @Override
        public void stop() throws Exception
        {
            if (client != null)
            {
                client.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Checks every byte and the order of frames: within one incarnation of the job (instance state, fresh after a
     * restore) seqs of an epoch must rise; across incarnations (static state) a seq at or below the highest one seen
     * is a replay after restore, a jump is a gap.
     */
    private static final class Validate extends RichMapFunction<TensorFrame, Long>
    {
        private static long highestEpoch = -1;
        private static long highestSeq = -1;

        private long epoch = -1;
        private long lastSeq = -1;

        @Override
        public void open(final OpenContext openContext)
        {
            INCARNATIONS.incrementAndGet();
        }

        @Override
        public Long map(final TensorFrame frame)
        {
            if (FAIL_NEXT.compareAndSet(true, false))
            {
                throw new IllegalStateException("soak: injected failure of the Flink job");
            }
            final byte[] payload = frame.payload();
            boolean ok = payload.length > 0;
            for (int i = 0; ok && i < payload.length; i++)
            {
                ok = payload[i] == SoakClients.expected(frame.epoch(), frame.seq(), i);
            }
            (ok ? GOOD : BAD).incrementAndGet();

            final long e = frame.epoch();
            final long s = frame.seq();
            if (e == epoch && s <= lastSeq)
            {
                OUT_OF_ORDER.incrementAndGet();
                return s;
            }
            epoch = e;
            lastSeq = s;
            synchronized (Validate.class)
            {
                if (e != highestEpoch)
                {
                    EPOCHS.incrementAndGet();
                    highestEpoch = e;
                    highestSeq = s;
                }
                else if (s <= highestSeq)
                {
                    REPLAYED.incrementAndGet();
                }
                else
                {
                    GAPS.addAndGet(s - highestSeq - 1);
                    highestSeq = s;
                }
            }
            return s;
        }
    }
}
