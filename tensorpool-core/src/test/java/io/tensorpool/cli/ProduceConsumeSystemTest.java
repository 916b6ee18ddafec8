package io.tensorpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aeron.Aeron;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.discovery.DiscoveryClient;
import io.tensorpool.discovery.DiscoveryQuery;
import io.tensorpool.discovery.DiscoveryResult;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The long-running commands in-process against a test media driver, as a user runs them in three shells. */
class ProduceConsumeSystemTest
{
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path shmDir;
    TestMediaDriver mediaDriver;
    final List<CompletableFuture<CliRun>> background = new ArrayList<>();

    @BeforeEach
    void launch()
    {
        mediaDriver = TestMediaDriver.launch();
    }

    @AfterEach
    void close()
    {
        CliRun.stopAll(background);
        mediaDriver.close();
    }

    @Test
    void producerAndConsumerExchangeVerifiedCounterFramesThroughTheDriver() throws Exception
    {
        background.add(CliRun.driverInBackground(mediaDriver.aeronDirectoryName(), shmDir));
        final CompletableFuture<CliRun> producer = inBackground("produce", "--stream", "10000", "--rate", "200",
            "--shape", "48,64", "--pattern", "counter", "--wait-for-consumer", "--json");
        final CliRun consumer = CliRun.run(withEndpoints("consume", "--stream", "10000", "--count", "40",
            "--verify", "counter", "--json", "--duration", "60"));
        StopSignal.stopAll();
        final CliRun produced = producer.get(30, TimeUnit.SECONDS);

        assertEquals(0, consumer.exitCode, consumer::toString);
        final JsonNode received = JSON.readTree(consumer.out);
        assertEquals(40, received.get("frames").asLong(), consumer::toString);
        assertEquals(40 * 48 * 64, received.get("bytes").asLong());
        assertEquals(0, received.get("verify_failures").asLong());
        assertEquals(received.get("last_seq").asLong() - received.get("first_seq").asLong() + 1 -
            received.get("drops_gap").asLong() - received.get("drops_late").asLong(), 40, consumer::toString);

        assertEquals(0, produced.exitCode, produced::toString);
        final JsonNode sent = JSON.readTree(produced.out);
        assertTrue(sent.get("frames").asLong() >= 40, produced::toString);
        assertEquals(0, sent.get("dropped").asLong());
        assertTrue(produced.err.contains("produce stream=10000 shape=48,64 dtype=UINT8 bytes=3072 via the SHM driver"),
            produced.err);
        assertTrue(produced.err.contains("produce stream=10000 epoch="), produced.err);
    }

    @Test
    void consumerEndsWithAOneLineErrorWhenTheMediaDriverGoes() throws Exception
    {
        // Aeron's default client error handler would print a stack trace and exit the JVM (this test's, too)
        final String previous = System.setProperty("aeron.driver.timeout", "1000");
        try
        {
            final CompletableFuture<CliRun> consumer = inBackground("consume", "--stream", "10004", "--duration",
                "60");
            try (Aeron probe = mediaDriver.connect())
            {
                // the consumer is running once its publications exist (nothing else here publishes)
                Await.until("the consumer started", Duration.ofSeconds(30), () -> countersOfType(probe,
                    io.aeron.driver.status.PublisherLimit.PUBLISHER_LIMIT_TYPE_ID) > 0, Thread::onSpinWait);
            }
            mediaDriver.close();
            final CliRun run = consumer.get(30, TimeUnit.SECONDS);
            assertEquals(1, run.exitCode, run::toString);
            assertEquals(1, run.err.lines().filter(l -> l.startsWith("tensorpool consume:")).count(), run::toString);
            // depending on timing the line is Aeron's own (the driver's shutdown notice, or a registration the
            // closing driver could not complete) or the consumer's check once its client closed
            final String line = run.err.lines().filter(l -> l.startsWith("tensorpool consume:")).findFirst()
                .orElseThrow();
            assertTrue(line.contains("has been shutdown") || line.contains("AeronException") || line.contains(
                "consumer stream=10004 cannot continue: its Aeron client is closed"), run::toString);
            assertFalse(run.err.contains("\tat "), "no stack trace without --verbose: " + run);
        }
        finally
        {
            if (previous == null)
            {
                System.clearProperty("aeron.driver.timeout");
            }
            else
            {
                System.setProperty("aeron.driver.timeout", previous);
            }
        }
    }

    @Test
    void standaloneProducerRequiringHugepagesOffHugetlbfsFailsWithOneLine()
    {
        final CliRun run = CliRun.run(withEndpoints("produce", "--standalone", "--require-hugepages", "--stream",
            "10005", "--count", "1"));
        assertEquals(1, run.exitCode, run::toString);
        assertEquals(1, run.err.lines().filter(l -> l.startsWith("tensorpool produce:")).count(), run::toString);
        assertTrue(run.err.contains("require_hugepages=true but "), run::toString);
        assertTrue(run.err.contains("not hugetlbfs"), run::toString);
    }

    @Test
    void consumerExitsWithStatusOneWhenFramesFailVerification() throws Exception
    {
        inBackground("produce", "--standalone", "--stream", "10001", "--rate", "200", "--shape", "1024",
            "--pattern", "zeros", "--wait-for-consumer");
        final CliRun consumer = CliRun.run(withEndpoints("consume", "--stream", "10001", "--count", "5",
            "--verify", "counter", "--duration", "60"));
        assertEquals(1, consumer.exitCode, consumer::toString);
        assertTrue(consumer.out.contains("frames=5 "), consumer::toString);
        assertTrue(consumer.out.contains(" verify_failures=5 "), consumer::toString);
        assertTrue(consumer.err.lines().anyMatch(l -> l.matches(
            "tensorpool consume: 5 frame\\(s\\) failed --verify counter; first: seq=\\d+ byte [01]")), consumer.err);
    }

    @Test
    void driverCommandServesAttachAndDiscoveryThenSummarises() throws Exception
    {
        final CompletableFuture<CliRun> driver = CliRun.driverInBackground(mediaDriver.aeronDirectoryName(), shmDir,
            "--json");
        background.add(driver);
        try (Aeron aeron = mediaDriver.connect();
            DriverClient client = new DriverClient(new DriverClient.Context().aeron(aeron).streamId(10002)
                .role(Role.PRODUCER).publishMode(PublishMode.EXISTING_OR_CREATE)))
        {
            final DriverAttachment attachment = client.attach(Duration.ofSeconds(20));
            assertEquals(10002, attachment.streamId());
            assertTrue(attachment.layout().headerRegionUri().contains(shmDir.toRealPath().toString()) ||
                attachment.layout().headerRegionUri().contains(shmDir.toString()), attachment.toString());

            try (DiscoveryClient discovery = DiscoveryClient.connect(new DiscoveryClient.Context().aeron(aeron)))
            {
                final DiscoveryResult[] result = new DiscoveryResult[1];
                Await.until("stream 10002 discoverable", () ->
                {
                    result[0] = discovery.query(DiscoveryQuery.byStreamId(10002));
                    return result[0].isOk() && !result[0].streams().isEmpty();
                });
                assertEquals("driver-01", result[0].streams().get(0).driverInstanceId());
                // one provider answers (the driver's embedded one): a second would answer every query again, and
                // its late answers count as responses to unknown request ids
                for (int i = 0; i < 3; i++)
                {
                    assertTrue(discovery.query(DiscoveryQuery.byStreamId(10002)).isOk());
                }
                assertEquals(0, discovery.unknownRequestIds(), "duplicate discovery answers");
            }
        }
        StopSignal.stopAll();
        final CliRun run = driver.get(30, TimeUnit.SECONDS);
        assertEquals(0, run.exitCode, run::toString);
        final String summaryJson = run.out.substring(run.out.indexOf('{'));
        final JsonNode summary = JSON.readTree(summaryJson);
        assertTrue(summary.get("attachOk").asLong() >= 1, run::toString);
        assertTrue(summary.get("detachOk").asLong() >= 1, run::toString);
        assertTrue(summary.get("discoveryRequests").asLong() >= 1, run::toString);
        assertTrue(run.out.startsWith("tensorpool driver: instance=driver-01 aeron-dir=" +
            mediaDriver.aeronDirectoryName() + " (external media driver)"), run.out);
    }

    @Test
    void clientsReportAnUnreachableMediaDriverInOneLine()
    {
        final CliRun consume = CliRun.run("consume", "--stream", "10000", "--aeron-dir",
            shmDir.resolve("no-driver-here").toString());
        assertEquals(1, consume.exitCode, consume::toString);
        assertEquals("tensorpool consume: no Aeron media driver running in " + shmDir.resolve("no-driver-here") +
            " (start 'tensorpool driver' in another shell, or pass --aeron-dir)", consume.err.strip());
        final CliRun produce = CliRun.run("produce", "--stream", "10000", "--aeron-dir",
            shmDir.resolve("no-driver-here").toString());
        assertEquals(1, produce.exitCode, produce::toString);
    }

    @Test
    void badValuesAreUsageErrors()
    {
        assertUsage("--stream must be a stream id in 1..4294967295, was 0", "produce", "--stream", "0");
        assertUsage("--shape dimensions must be positive, was 4,0", "produce", "--stream", "1", "--shape", "4,0");
        assertUsage("--nslots must be a power of two, was 3", "produce", "--stream", "1", "--nslots", "3");
        assertUsage("Invalid value for option '--dtype'", "produce", "--stream", "1", "--dtype", "complex128");
        assertUsage("--duration must be a positive number of seconds, was -1.0", "consume", "--stream", "1",
            "--duration", "-1");
        assertUsage("Missing required option: '--stream=ID'", "consume");
        assertUsage("Missing required option: '--stream=ID'", "produce");
        assertUsage("--stream must be a stream id in 1..4294967295, was 4294967296", "consume", "--stream",
            "4294967296");
        assertUsage("--count must not be negative, was -1", "produce", "--stream", "1", "--count", "-1");
        assertUsage("--count must not be negative, was -2", "consume", "--stream", "1", "--count", "-2");
    }

    private static int countersOfType(final Aeron aeron, final int typeId)
    {
        final int[] count = {0};
        aeron.countersReader().forEach((id, type, key, label) ->
        {
            if (type == typeId)
            {
                count[0]++;
            }
        });
        return count[0];
    }

    private void assertUsage(final String expected, final String... args)
    {
        final CliRun run = CliRun.run(withEndpoints(args));
        assertEquals(2, run.exitCode, run::toString);
        assertEquals(1, run.err.lines().count(), run::toString);
        assertTrue(run.err.contains(expected), run::toString);
    }

    private CompletableFuture<CliRun> inBackground(final String... args)
    {
        final String[] full = withEndpoints(args);
        final CompletableFuture<CliRun> future = CompletableFuture.supplyAsync(() -> CliRun.run(full));
        background.add(future);
        return future;
    }

    private String[] withEndpoints(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(args));
        if (args.length > 0 && !args[0].equals("driver"))
        {
            all.addAll(List.of("--aeron-dir", mediaDriver.aeronDirectoryName(), "--shm-dir", shmDir.toString(),
                "--no-status"));
        }
        return all.toArray(new String[0]);
    }
}
