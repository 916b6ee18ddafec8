package io.tensorpool.hardening;

import io.aeron.Aeron;
import io.tensorpool.client.LoggingAeronClients;
import io.tensorpool.client.TensorPoolConsumer;
import io.tensorpool.client.TensorPoolProducer;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.AgentTerminationException;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Aeron media driver goes away under running agents. Aeron's default client error handler would end the JVM (a
 * Flink TaskManager, with every job in it); tensorpool's clients log instead, and every agent then fails from its next
 * periodic duty with an exception naming itself and the media driver directory, rather than polling closed
 * subscriptions forever. An {@link AgentRunner} reports it once and stops the agent.
 */
class MediaDriverLossTest
{
    private static final String DRIVER_TIMEOUT_PROP = "aeron.driver.timeout";
    private static final long PERIOD_NS = 50_000_000L;

    private final Path base = Path.of("/dev/shm", "tp-driver-loss-" + UUID.randomUUID());
    private String previousTimeout;
    private TestMediaDriver media;

    @BeforeEach
    void shortDriverTimeout()
    {
        // clients read it when their context is created: notice the lost driver in 1 s, not Aeron's 10 s
        previousTimeout = System.setProperty(DRIVER_TIMEOUT_PROP, "1000");
        media = TestMediaDriver.launch();
    }

    @AfterEach
    void restore()
    {
        CloseHelper.quietClose(media);
        if (previousTimeout == null)
        {
            System.clearProperty(DRIVER_TIMEOUT_PROP);
        }
        else
        {
            System.setProperty(DRIVER_TIMEOUT_PROP, previousTimeout);
        }
        StreamRegionFiles.deleteRecursively(base);
    }

    @Test
    void producerAndConsumerFailNamingTheMediaDriverWhenItGoes()
    {
        final String dir = media.aeronDirectoryName();
        final Aeron aeron = LoggingAeronClients.connect(dir, "test");
        final TensorPoolProducer producer = new TensorPoolProducer(new TensorPoolProducer.Context()
            .aeron(aeron).streamId(10501).shmBaseDir(base).announcePeriodNs(PERIOD_NS));
        final TensorPoolConsumer consumer = new TensorPoolConsumer(new TensorPoolConsumer.Context()
            .aeron(aeron).streamId(10501).allowedBaseDirs(List.of(base)).helloPeriodNs(PERIOD_NS));
        try
        {
            Await.until("consumer mapped", Duration.ofSeconds(30),
                () -> consumer.state() == TensorPoolConsumer.State.MAPPED, () ->
                {
                    producer.doWork();
                    consumer.poll(frame -> { }, 16);
                });

            media.close();

            final RuntimeException[] producerError = {null};
            final RuntimeException[] consumerError = {null};
            Await.until("both agents failed", Duration.ofSeconds(30),
                () -> producerError[0] != null && consumerError[0] != null, () ->
                {
                    if (producerError[0] == null)
                    {
                        producerError[0] = failure(producer::doWork);
                    }
                    if (consumerError[0] == null)
                    {
                        consumerError[0] = failure(() -> consumer.poll(frame -> { }, 16));
                    }
                });
            assertTrue(aeron.isClosed(), "the client closed itself instead of ending the JVM");
            assertInstanceOf(AgentTerminationException.class, producerError[0]);
            assertTrue(producerError[0].getMessage().startsWith("producer stream=10501 cannot continue"),
                producerError[0].getMessage());
            assertTrue(producerError[0].getMessage().contains(dir), producerError[0].getMessage());
            assertInstanceOf(AgentTerminationException.class, consumerError[0]);
            assertTrue(consumerError[0].getMessage().startsWith("consumer stream=10501 cannot continue"),
                consumerError[0].getMessage());
        }
        finally
        {
            CloseHelper.quietCloseAll(consumer, producer, aeron);
        }
    }

    @Test
    void shmDriverOnAnAgentRunnerReportsOnceAndStops() throws Exception
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final ShmDriver driver = new ShmDriver(new ShmDriver.Context()
            .aeronDirectoryName(media.aeronDirectoryName())
            .launchEmbeddedMediaDriver(false)
            .instanceId("loss")
            .shmBaseDir(base));
        final AgentRunner runner = new AgentRunner(new BackoffIdleStrategy(), errors::add, null, driver);
        AgentRunner.startOnThread(runner);
        try
        {
            media.close();
            Await.until("the driver agent stopped", Duration.ofSeconds(30), () -> runner.thread() == null ||
                !runner.thread().isAlive(), Thread::onSpinWait);
            assertEquals(1, errors.size(), errors::toString);
            assertInstanceOf(AgentTerminationException.class, errors.get(0));
            assertTrue(errors.get(0).getMessage().startsWith("SHM driver loss cannot continue"),
                errors.get(0).getMessage());
        }
        finally
        {
            runner.close();
        }
    }

    @Test
    void driverClientOnItsOwnClientFailsNamingItself()
    {
        final io.tensorpool.driver.client.DriverClient client = new io.tensorpool.driver.client.DriverClient(
            new io.tensorpool.driver.client.DriverClient.Context()
                .aeronDirectoryName(media.aeronDirectoryName())
                .streamId(10502)
                .role(io.tensorpool.codecs.driver.Role.CONSUMER));
        try
        {
            client.requestAttach();
            media.close();
            final RuntimeException[] error = {null};
            Await.until("the driver client failed", Duration.ofSeconds(30), () -> error[0] != null,
                () -> error[0] = failure(client::doWork));
            assertInstanceOf(AgentTerminationException.class, error[0]);
            assertTrue(error[0].getMessage().startsWith("driver client stream=10502 cannot continue"),
                error[0].getMessage());
        }
        finally
        {
            CloseHelper.quietClose(client);
        }
    }

    private static RuntimeException failure(final Runnable work)
    {
        try
        {
            work.run();
            return null;
        }
        catch (final RuntimeException ex)
        {
            return ex;
        }
    }
}
