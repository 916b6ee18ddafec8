package io.tensorpool.examples.demo;

import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.examples.camera.GradientCamera;
import io.tensorpool.shm.FrameClaim;
import org.agrona.CloseHelper;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The demo's camera: publishes {@link GradientCamera} frames on its own thread at a fixed rate, rendering each one
 * straight into the claimed shared-memory slot, and remembers each frame's timestamp so the report can check results.
 */
final class CameraProducer implements Runnable, AutoCloseable
{
    private final TensorPoolProducer producer;
    private final double rateHz;
    private final Map<Long, Long> seqByTimestamp = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long published;

    CameraProducer(final String aeronDir, final Path shmDir, final int streamId, final double rateHz)
    {
        this.rateHz = rateHz;
        this.producer = new TensorPoolProducer(new TensorPoolProducer.Context()
            .aeronDirectoryName(aeronDir)
            .streamId(streamId)
            .shmBaseDir(shmDir)
            .headerNslots(32)
            .poolStrides(512 * 1024)
            .dataSourceName("camera-0")
            .tags(List.of("camera", "demo")));
        this.thread = new Thread(this, "camera-producer");
    }

    void start()
    {
        thread.start();
    }

    /** Sequence number of the camera frame published with {@code timestampNs}, or null. */
    Long seqOf(final long timestampNs)
    {
        return seqByTimestamp.get(timestampNs);
    }

    long published()
    {
        return published;
    }

    @Override
    public void run()
    {
        final GradientCamera camera = new GradientCamera();
        final FrameClaim claim = new FrameClaim();
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        final long periodNs = (long)(1e9 / rateHz);
        long nextNs = System.nanoTime();
        while (running)
        {
            int work = producer.doWork();
            final long now = System.nanoTime();
            if (now - nextNs >= 0)
            {
                final long seq = producer.tryClaim(GradientCamera.FRAME_BYTES, claim);
                if (seq >= 0)
                {
                    camera.render(seq, claim.buffer());
                    claim.dtype(Dtype.UINT8).shape(GradientCamera.SHAPE, 2).timestampNs(now);
                    seqByTimestamp.put(now, seq);
                    if (producer.commit(claim) >= 0)
                    {
                        published++;
                    }
                    nextNs = Math.max(nextNs + periodNs, now - periodNs);
                    work++;
                }
            }
            idle.idle(work);
        }
    }

    @Override
    public void close()
    {
        running = false;
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        CloseHelper.close(producer);
    }
}
