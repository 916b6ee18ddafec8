package io.tensorpool.client;

import io.aeron.Aeron;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Test fixture: a media driver, one shared Aeron client, a unique region base dir, and fast control periods. */
final class ClientRig implements AutoCloseable
{
    static final long PERIOD_NS = 50_000_000L;

    final TestMediaDriver driver;
    final Aeron aeron;
    final Path baseDir;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<TensorPoolProducer> producers = new ArrayList<>();
    private final List<Runnable> duty = new ArrayList<>();

    ClientRig()
    {
        driver = TestMediaDriver.launch();
        aeron = driver.connect();
        try
        {
            baseDir = Files.createTempDirectory(Paths.get("/dev/shm"), "tp-client-test-");
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    TensorPoolProducer.Context producerContext(final int streamId)
    {
        return new TensorPoolProducer.Context()
            .aeron(aeron)
            .streamId(streamId)
            .shmBaseDir(baseDir)
            .headerNslots(64)
            .poolStrides(4096, 65536)
            .announcePeriodNs(PERIOD_NS)
            .qosPeriodNs(PERIOD_NS)
            .metadataPeriodNs(PERIOD_NS)
            .consumerHelloIntervalNs(PERIOD_NS);
    }

    TensorPoolConsumer.Context consumerContext(final int streamId)
    {
        return new TensorPoolConsumer.Context()
            .aeron(aeron)
            .streamId(streamId)
            .allowedBaseDirs(List.of(baseDir))
            .helloPeriodNs(PERIOD_NS)
            .qosPeriodNs(PERIOD_NS)
            .announceFreshnessWindowNs(3 * PERIOD_NS * 10);
    }

    TensorPoolProducer producer(final TensorPoolProducer.Context ctx)
    {
        final TensorPoolProducer producer = new TensorPoolProducer(ctx);
        closeables.add(producer);
        producers.add(producer);
        return producer;
    }

    TensorPoolConsumer consumer(final TensorPoolConsumer.Context ctx)
    {
        final TensorPoolConsumer consumer = new TensorPoolConsumer(ctx);
        closeables.add(consumer);
        return consumer;
    }

    /** Run every producer's duty cycle plus {@code extra}, until {@code done}. */
    void await(final String what, final BooleanSupplier done, final Runnable extra)
    {
        Await.until(what, Duration.ofSeconds(30), done, () ->
        {
            for (final TensorPoolProducer producer : producers)
            {
                if (!producer.isClosed())
                {
                    producer.doWork();
                }
            }
            extra.run();
        });
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(closeables);
        CloseHelper.closeAll(aeron, driver);
        StreamRegionFiles.deleteRecursively(baseDir);
    }
}
