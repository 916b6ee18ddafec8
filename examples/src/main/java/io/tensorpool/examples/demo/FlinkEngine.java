package io.tensorpool.examples.demo;

import io.tensorpool.examples.camera.CameraStats;
import io.tensorpool.examples.camera.FrameStats;
import io.tensorpool.examples.camera.FrameStatsSchema;
import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.flink.sink.TensorPoolSink;
import io.tensorpool.flink.source.AttachMode;
import io.tensorpool.flink.source.DiscoveryMode;
import io.tensorpool.flink.source.StartingPosition;
import io.tensorpool.flink.source.TensorPoolDeserializationSchema;
import io.tensorpool.flink.source.TensorPoolSource;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The demo's Flink job on a local MiniCluster: TensorPoolSource (camera stream) -> thumbnail and mean brightness ->
 * TensorPoolSink (result stream). Bounded: it reads {@code frames} camera frames, then finishes.
 */
final class FlinkEngine
{
    private FlinkEngine()
    {
    }

    static CompletableFuture<?> submit(
        final String aeronDir, final List<Path> allowedDirs, final Path driverDir, final int inputStream,
        final int outputStream, final long frames) throws Exception
    {
        final StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1,
            new Configuration());

        final TensorPoolSource<TensorFrame> source = TensorPoolSource.<TensorFrame>builder()
            .setAeronDirectory(aeronDir)
            .setDiscoveryMode(DiscoveryMode.NONE)
            // the camera owns its regions (standalone producer): map what it announces instead of asking the driver
            .setAttachMode(AttachMode.STANDALONE)
            .setStreamIds(inputStream)
            .setDeserializer(TensorPoolDeserializationSchema.tensorFrames())
            .setStartingPosition(StartingPosition.LATEST)
            .setBoundedFramesPerSplit(frames)
            .setAllowedBaseDirs(allowedDirs.stream().map(Path::toString).toArray(String[]::new))
            .build();

        final TensorPoolSink<FrameStats> sink = TensorPoolSink.<FrameStats>builder()
            .setAeronDirectory(aeronDir)
            .setShmBaseDir(driverDir.toString())
            .setStreamIds(outputStream)
            .setDataSourceName("camera-0-stats")
            .setTags("stats", "demo")
            .setPoolStrides(64 * 1024)
            .setHeaderSlots(64)
            .setSerializationSchema(new FrameStatsSchema())
            .build();

        env.fromSource(source, WatermarkStrategy.noWatermarks(), "TensorPoolSource camera-0")
            .map(new CameraStats()).name("thumbnail + mean brightness")
            .sinkTo(sink).name("TensorPoolSink camera-0-stats");

        final JobClient job = env.executeAsync("tensorpool camera demo");
        return job.getJobExecutionResult();
    }
}
