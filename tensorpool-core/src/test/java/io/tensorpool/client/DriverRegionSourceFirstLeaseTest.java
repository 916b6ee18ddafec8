package io.tensorpool.client;

import io.aeron.Aeron;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.driver.DriverProfile;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.client.DriverAttachException;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.TestMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link DriverRegionSource} with a first-lease timeout (the Flink sink's mode): the producer's constructor returns
 * with the driver's regions mapped, fails at once with the driver's code when the stream is held by another producer,
 * fails closed (and detaches) when the granted regions lie outside the allowed base, and fails with a null code
 * naming the timeout when no driver answers.
 */
class DriverRegionSourceFirstLeaseTest
{
    private static final int STREAM = 10070;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(20);

    private TestMediaDriver media;
    private Aeron aeron;
    private Path base;

    @BeforeEach
    void launch() throws Exception
    {
        media = TestMediaDriver.launch();
        aeron = media.connect();
        base = Files.createDirectories(Path.of("/dev/shm", "tp-first-lease-" + UUID.randomUUID()));
    }

    @AfterEach
    void close()
    {
        CloseHelper.closeAll(aeron, media);
        StreamRegionFiles.deleteRecursively(base);
    }

    private AgentRunner startDriver()
    {
        final ShmDriver driver = new ShmDriver(new ShmDriver.Context()
            .aeron(aeron)
            .instanceId("first-lease")
            .shmBaseDir(base)
            .profile(new DriverProfile("small", 64, new int[]{1}, new int[]{4096}))
            .defaultProfile("small")
            .prefault(false));
        final AgentRunner runner = new AgentRunner(new SleepingMillisIdleStrategy(1), Throwable::printStackTrace, null,
            driver);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    private TensorPoolProducer.Context producer(final int producerId, final long timeoutNs)
    {
        return new TensorPoolProducer.Context()
            .aeron(aeron)
            .streamId(STREAM)
            .producerId(producerId)
            .regionSource(new DriverRegionSource(base, timeoutNs));
    }

    @Test
    void constructorReturnsWithTheDriversRegionsMappedAndARefusedSecondProducerFailsAtOnce()
    {
        final AgentRunner driver = startDriver();
        TensorPoolProducer first = null;
        try
        {
            first = new TensorPoolProducer(producer(7, TIMEOUT_NS));
            assertNotNull(first.layout(), "regions mapped when the constructor returns");
            assertTrue(first.epoch() > 0, "the driver's epoch");
            assertTrue(first.layout().headerRegionUri().contains(base.getFileName().toString()),
                "regions under the driver's base directory: " + first.layout().headerRegionUri());

            final long startNs = System.nanoTime();
            final DriverAttachException refused = assertThrows(DriverAttachException.class,
                () -> new TensorPoolProducer(producer(8, TIMEOUT_NS)));
            assertEquals(ResponseCode.REJECTED, refused.code(), refused.getMessage());
            assertTrue(refused.getMessage().contains("refused the producer attach"), refused.getMessage());
            assertTrue(System.nanoTime() - startNs < TIMEOUT_NS, "failed before the first-lease timeout");
        }
        finally
        {
            CloseHelper.closeAll(first, driver);
        }
    }

    @Test
    void regionsOutsideTheAllowedBaseFailTheConstructorAndReleaseTheLease() throws Exception
    {
        final AgentRunner driver = startDriver();
        final Path elsewhere =
            Files.createDirectories(Path.of("/dev/shm", "tp-first-lease-other-" + UUID.randomUUID()));
        TensorPoolProducer second = null;
        try
        {
            final ShmValidationException ex = assertThrows(ShmValidationException.class,
                () -> new TensorPoolProducer(new TensorPoolProducer.Context()
                    .aeron(aeron)
                    .streamId(STREAM)
                    .producerId(11)
                    .regionSource(new DriverRegionSource(elsewhere, TIMEOUT_NS))));
            assertTrue(ex.getMessage().contains(base.toString()), ex.getMessage());

            // the refused mapping detached the lease: another producer gets the stream instead of REJECTED
            second = new TensorPoolProducer(producer(12, TIMEOUT_NS));
            assertNotNull(second.layout());
        }
        finally
        {
            CloseHelper.closeAll(second, driver);
            StreamRegionFiles.deleteRecursively(elsewhere);
        }
    }

    @Test
    void noDriverFailsAfterTheTimeoutWithoutACode()
    {
        final DriverAttachException ex = assertThrows(DriverAttachException.class,
            () -> new TensorPoolProducer(producer(9, TimeUnit.MILLISECONDS.toNanos(500))));
        assertNull(ex.code(), ex.getMessage());
        assertTrue(ex.getMessage().contains("no producer lease from the SHM driver within 500 ms"), ex.getMessage());
    }

    @Test
    void aNonPositiveTimeoutIsRefusedWithItsValue()
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> new DriverRegionSource(base, 0));
        assertTrue(ex.getMessage().contains("0"), ex.getMessage());
    }
}
