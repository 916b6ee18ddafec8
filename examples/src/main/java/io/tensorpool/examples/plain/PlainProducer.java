package io.tensorpool.examples.plain;

import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.shm.FrameClaim;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A producer in plain Java: attaches to the SHM driver ({@code tensorpool driver}) for stream 10000 and publishes a
 * 4x4 float32 tensor ten times a second, written straight into shared memory. Run {@link PlainConsumer} beside it.
 * <p>
 * Arguments: {@code [streamId] [aeronDir]}; defaults 10000 and Aeron's default directory.
 */
public final class PlainProducer
{
    private PlainProducer()
    {
    }

    public static void main(final String[] args)
    {
        final int streamId = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        final TensorPoolProducer.Context ctx = new TensorPoolProducer.Context()
            .streamId(streamId)
            .useDriver(true)                      // regions come from the SHM driver (Driver Model)
            .dataSourceName("plain-example")
            .tags(List.of("example"));
        if (args.length > 1)
        {
            ctx.aeronDirectoryName(args[1]);
        }

        final AtomicBoolean running = new AtomicBoolean(true);
        final ShutdownSignalBarrier barrier = new ShutdownSignalBarrier();
        new Thread(() ->
        {
            barrier.await();
            running.set(false);
        }, "signal").start();

        final int[] shape = {4, 4};
        final FrameClaim claim = new FrameClaim();
        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        try (TensorPoolProducer producer = new TensorPoolProducer(ctx))
        {
            long next = System.nanoTime();
            while (running.get())
            {
                int work = producer.doWork();
                if (System.nanoTime() - next >= 0)
                {
                    final long seq = producer.tryClaim(16 * Float.BYTES, claim);
                    if (seq >= 0)
                    {
                        for (int i = 0; i < 16; i++)
                        {
                            claim.buffer().putFloat(i * Float.BYTES, seq + i / 16.0f, ByteOrder.LITTLE_ENDIAN);
                        }
                        claim.dtype(Dtype.FLOAT32).shape(shape, 2);
                        producer.commit(claim);
                        if (seq % 10 == 0)
                        {
                            System.out.println("published seq=" + seq + " epoch=" + producer.epoch());
                        }
                        next += TimeUnit.MILLISECONDS.toNanos(100);
                        work++;
                    }
                }
                idle.idle(work);
            }
        }
        barrier.signal();
    }
}
