package io.tensorpool.examples.plain;

import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.driver.ShmDriverConfiguration;
import io.tensorpool.shm.FrameView;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A consumer in plain Java: maps the regions the driver announces for stream 10000 and prints each frame it reads,
 * zero-copy, with the drop counters the lossy transport keeps.
 * <p>
 * Arguments: {@code [streamId] [aeronDir]}.
 */
public final class PlainConsumer
{
    private PlainConsumer()
    {
    }

    public static void main(final String[] args)
    {
        final int streamId = args.length > 0 ? Integer.parseInt(args[0]) : 10000;
        final TensorPoolConsumer.Context ctx = new TensorPoolConsumer.Context()
            .streamId(streamId)
            .allowedBaseDirs(List.of(ShmDriverConfiguration.defaultShmBaseDir()));
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

        final IdleStrategy idle = new BackoffIdleStrategy(10, 20, 1_000, TimeUnit.MILLISECONDS.toNanos(1));
        try (TensorPoolConsumer consumer = new TensorPoolConsumer(ctx))
        {
            while (running.get())
            {
                idle.idle(consumer.poll(PlainConsumer::onFrame, 16));
            }
            System.out.println("frames=" + consumer.framesReceived() + " drops_gap=" + consumer.dropsGap() +
                " drops_late=" + consumer.dropsLate());
        }
        barrier.signal();
    }

    private static void onFrame(final FrameView frame)
    {
        // Read what we need, then confirm the slot was not overwritten meanwhile (lossy overwrite, Wire §15.4).
        final float first = frame.payload().getFloat(0, ByteOrder.LITTLE_ENDIAN);
        if (frame.stillCommitted())
        {
            System.out.println("seq=" + frame.seq() + " " + frame.dtype() + " " + frame.dim(0) + "x" + frame.dim(1) +
                " first=" + first);
        }
    }
}
