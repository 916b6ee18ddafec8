package io.tensorpool.examples.demo;

import io.tensorpool.client.FrameHandler;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.examples.camera.FrameStats;
import io.tensorpool.examples.camera.GradientCamera;
import io.tensorpool.examples.camera.Thumbnails;
import io.tensorpool.shm.FrameClaim;
import io.tensorpool.shm.FrameView;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The same computation as the Flink job with plain core clients: read camera frames zero-copy, compute the thumbnail
 * in place, publish it. Used by {@code ./demo.sh --engine core} (no Flink) and as a reference for the job.
 */
final class CoreEngine implements FrameHandler, AutoCloseable
{
    private final TensorPoolConsumer consumer;
    private final TensorPoolProducer producer;
    private final float[] thumbnail = new float[FrameStats.HEIGHT * FrameStats.WIDTH];
    private final FrameClaim claim = new FrameClaim();
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private long frames;

    CoreEngine(final String aeronDir, final List<Path> allowedDirs, final Path shmDir, final int inputStream,
        final int outputStream)
    {
        consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
            .aeronDirectoryName(aeronDir).streamId(inputStream).allowedBaseDirs(allowedDirs));
        producer = new TensorPoolProducer(new TensorPoolProducer.Context()
            .aeronDirectoryName(aeronDir).streamId(outputStream).shmBaseDir(shmDir).headerNslots(64)
            .poolStrides(64 * 1024).dataSourceName("camera-0-stats").tags(List.of("stats", "demo")));
    }

    /** Process {@code count} frames or until {@code timeoutNs} passes; returns frames processed. */
    long run(final long count, final long timeoutNs, final Runnable onIdle)
    {
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        final long deadline = System.nanoTime() + timeoutNs;
        while (frames < count && System.nanoTime() - deadline < 0)
        {
            int work = consumer.poll(this, 4);
            work += producer.doWork();
            onIdle.run();
            idle.idle(work);
        }
        return frames;
    }

    @Override
    public void onFrame(final FrameView frame)
    {
        if (frame.ndims() != 2 || frame.dim(0) != GradientCamera.HEIGHT || frame.dim(1) != GradientCamera.WIDTH)
        {
            return;
        }
        view.wrap(frame.payload(), 0, frame.valuesLength());
        Thumbnails.blockMeans(view, GradientCamera.HEIGHT, GradientCamera.WIDTH, FrameStats.FACTOR, thumbnail);
        if (!frame.stillCommitted())
        {
            return;
        }
        frames++;
        if (producer.tryClaim(thumbnail.length * Float.BYTES, claim) >= 0)
        {
            for (int i = 0; i < thumbnail.length; i++)
            {
                claim.buffer().putFloat(i * Float.BYTES, thumbnail[i], ByteOrder.LITTLE_ENDIAN);
            }
            claim.dtype(Dtype.FLOAT32).shape(FrameStats.SHAPE, 2).timestampNs(frame.timestampNs());
            producer.commit(claim);
        }
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(consumer, producer);
    }
}
