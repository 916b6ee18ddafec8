package io.tensorpool.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.*;

/** attach, detach, discover, qos and registry against a running 'tensorpool driver', all in-process. */
class OperatorCommandsSystemTest
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
        background.add(CliRun.driverInBackground(mediaDriver.aeronDirectoryName(), shmDir));
    }

    @AfterEach
    void close()
    {
        CliRun.stopAll(background);
        mediaDriver.close();
    }

    @Test
    void attachPrintsTheLeaseThatDetachReleasesAndDiscoverFindsTheStream() throws Exception
    {
        final CliRun attach = run("attach", "--stream", "10005", "--role", "producer", "--create", "--json",
            "--timeout", "20");
        assertEquals(0, attach.exitCode, attach::toString);
        final JsonNode lease = JSON.readTree(attach.out);
        assertEquals(10005, lease.get("streamId").asLong());
        assertEquals("PRODUCER", lease.get("role").asText());
        assertTrue(lease.get("headerRegionUri").asText().startsWith("shm:file?path=/"), attach.out);
        assertTrue(lease.get("payloadPools").size() >= 1, attach.out);

        final CliRun[] discover = new CliRun[1];
        Await.until("stream 10005 discoverable", () ->
        {
            discover[0] = run("discover", "--stream", "10005", "--json", "--timeout", "5");
            return discover[0].exitCode == 0 && discover[0].out.contains("\"streamId\" : 10005");
        });
        final JsonNode found = JSON.readTree(discover[0].out).get("streams").get(0);
        assertEquals("driver-01", found.get("driverInstanceId").asText());
        assertEquals(lease.get("epoch").asLong(), found.get("epoch").asLong());
        final CliRun table = run("discover", "--stream", "10005");
        assertTrue(table.out.startsWith("STREAM"), table::toString);
        assertTrue(table.out.contains("driver-01"), table::toString);

        final CliRun detach = run("detach", "--lease", lease.get("leaseId").asText(), "--stream", "10005",
            "--client-id", lease.get("clientId").asText(), "--role", "producer");
        assertEquals(0, detach.exitCode, detach::toString);
        assertEquals("detached: lease=" + lease.get("leaseId").asText() + " stream=10005 role=producer",
            detach.out.strip());

        final CliRun consumerOfUnknown = run("attach", "--stream", "10006", "--role", "consumer", "--timeout", "3");
        assertEquals(1, consumerOfUnknown.exitCode, consumerOfUnknown::toString);
        assertTrue(consumerOfUnknown.err.startsWith("tensorpool attach: attach refused: "), consumerOfUnknown.err);
        assertEquals(1, consumerOfUnknown.err.lines().count(), consumerOfUnknown.err);
    }

    @Test
    void discoverWithNoMatchIsEmptyAndNotAnError()
    {
        final CliRun none = run("discover", "--name", "no-such-source", "--timeout", "10");
        assertEquals(0, none.exitCode, none::toString);
        assertEquals("no matching streams", none.out.strip());
    }

    @Test
    void qosShowsProducerAndConsumerOfAStream() throws Exception
    {
        background.add(CompletableFuture.supplyAsync(() -> run("produce", "--stream", "10007", "--rate", "100",
            "--shape", "256")));
        background.add(CompletableFuture.supplyAsync(() -> run("consume", "--stream", "10007")));
        final JsonNode[] entries = new JsonNode[1];
        Await.until("producer and consumer reported on QoS", () ->
        {
            final CliRun qos = run("qos", "--once", "--duration", "2.5", "--stream", "10007", "--json");
            try
            {
                entries[0] = JSON.readTree(qos.out).get("entries");
            }
            catch (final Exception ex)
            {
                throw new AssertionError(qos.toString(), ex);
            }
            return entries[0].size() >= 2;
        });
        final List<String> roles = new ArrayList<>();
        entries[0].forEach(e -> roles.add(e.get("role").asText()));
        assertTrue(roles.contains("producer") && roles.contains("consumer"), entries[0].toString());
        entries[0].forEach(e -> assertEquals(10007, e.get("streamId").asLong()));
    }

    @Test
    void registryAnswersForTheDriversOfItsFeeds()
    {
        background.add(CompletableFuture.supplyAsync(() -> run("registry", "--feed", "instance=host-a",
            "--request-stream-id", "1987")));
        assertEquals(0, run("attach", "--stream", "10008", "--role", "producer", "--create", "--timeout", "20")
            .exitCode);
        Await.until("registry indexes stream 10008", () ->
        {
            System.setProperty("tensorpool.discovery.request.stream.id", "1987");
            try
            {
                final CliRun found = run("discover", "--stream", "10008", "--timeout", "5");
                return found.exitCode == 0 && found.out.contains("host-a");
            }
            finally
            {
                System.clearProperty("tensorpool.discovery.request.stream.id");
            }
        });
    }

    @Test
    void registryNeedsValidFeeds()
    {
        final CliRun bad = run("registry", "--feed", "control=aeron:ipc");
        assertEquals(2, bad.exitCode, bad::toString);
        assertTrue(bad.err.startsWith("tensorpool registry: invalid --feed: "), bad.err);
    }

    private CliRun run(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--aeron-dir", mediaDriver.aeronDirectoryName(), "--no-status"));
        if (!args[0].equals("discover") && !args[0].equals("attach") && !args[0].equals("detach") &&
            !args[0].equals("registry") && !args[0].equals("qos"))
        {
            all.addAll(List.of("--shm-dir", shmDir.toString()));
        }
        if (args[0].equals("discover") || args[0].equals("detach"))
        {
            all.remove("--no-status");
        }
        return CliRun.run(all.toArray(new String[0]));
    }
}
