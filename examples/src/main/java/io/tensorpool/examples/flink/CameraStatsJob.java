package io.tensorpool.examples.flink;

import io.tensorpool.examples.camera.CameraStats;
import io.tensorpool.examples.camera.FrameStats;
import io.tensorpool.examples.camera.FrameStatsSchema;
import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.flink.sink.TensorPoolSink;
import io.tensorpool.flink.source.DiscoveryMode;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.TensorPoolDeserializationSchema;
import io.tensorpool.flink.source.TensorPoolSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The demo's computation as a job for a real cluster: every stream tagged {@code camera} on every host is read by a
 * reader on that host (shared memory does not cross hosts), each frame becomes a 60x80 thumbnail and its mean
 * brightness, and subtask {@code i} writes its results to stream {@code outputBase + i} on its own host, tagged
 * {@code stats}. Each host runs {@code tensorpool driver}; see docs/examples.md for the cluster configuration.
 * <p>
 * Arguments (all optional): {@code --tag camera --output-base 20000 --aeron-dir DIR --shm-dir DIR}.
 */
public final class CameraStatsJob
{
    private CameraStatsJob()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            options.put(args[i], args[i + 1]);
        }
        final String tag = options.getOrDefault("--tag", "camera");
        final int outputBase = Integer.parseInt(options.getOrDefault("--output-base", "20000"));
        final String shmDir = options.getOrDefault("--shm-dir", "/dev/shm/tensorpool-" +
            System.getProperty("user.name"));

        final var source = TensorPoolSource.<TensorFrame>builder()
            .setDiscoveryMode(DiscoveryMode.READER)        // each reader asks its own host's driver
            .setDiscoveryInterval(Duration.ofSeconds(5))
            .setTags(tag)
            .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
            .setStartingPosition(StartingPosition.LATEST)
            .setAllowedBaseDirs(shmDir);
        final var sink = TensorPoolSink.<FrameStats>builder()
            .setStreamIdBase(outputBase)
            .setShmBaseDir(shmDir)
            .setDataSourceName("camera-stats")
            .setTags("stats")
            .setPoolStrides(64 * 1024)
            .setSerializationSchema(new FrameStatsSchema());
        if (options.containsKey("--aeron-dir"))
        {
            source.setAeronDirectory(options.get("--aeron-dir"));
            sink.setAeronDirectory(options.get("--aeron-dir"));
        }

        final StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSource(source.build(), WatermarkStrategy.noWatermarks(), "TensorPoolSource tag=" + tag)
            .map(new CameraStats()).name("thumbnail + mean brightness")
            .sinkTo(sink.build()).name("TensorPoolSink camera-stats");
        env.execute("tensorpool camera stats");
    }
}
