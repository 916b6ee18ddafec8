package io.tensorpool.driver;

import io.aeron.Aeron;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.DriverClientListener;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.Await;
import io.tensorpool.testing.TestMediaDriver;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The standalone driver process: starts from a TOML file, serves attaches, and on SIGTERM says goodbye. */
class ShmDriverMainTest
{
    @Test
    void standaloneDriverServesAndAnnouncesShutdownOnSigterm() throws Exception
    {
        final Path base = Path.of("/dev/shm", "tp-driver-main-" + UUID.randomUUID());
        final Path config = Files.createTempFile("tp-driver-", ".toml");
        final Path log = Files.createTempFile("tp-driver-main-", ".log");
        try (TestMediaDriver media = TestMediaDriver.launch(); Aeron aeron = media.connect())
        {
            Files.writeString(config, "[driver]\ninstance_id = \"standalone\"\naeron_dir = \"" +
                media.aeronDirectoryName() + "\"\nmedia_driver = \"external\"\nstream_id_range = \"10000-10100\"\n" +
                "[shm]\nbase_dir = \"" + base + "\"\n[policies]\nallow_dynamic_streams = true\n" +
                "[profiles.p]\nheader_nslots = 16\npayload_pools = [ { pool_id = 1, stride_bytes = 4096 } ]\n");
            final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            final Process process = new ProcessBuilder(List.of(java,
                "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
                "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "--add-opens", "java.base/java.io=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                ShmDriverMain.class.getName(), "--config", config.toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try
            {
                final AtomicReference<ShutdownReason> shutdown = new AtomicReference<>();
                try (DriverClient client = new DriverClient(new DriverClient.Context()
                    .aeron(aeron)
                    .streamId(10005)
                    .role(Role.CONSUMER)
                    .publishMode(PublishMode.EXISTING_OR_CREATE)
                    .autoReattach(false)
                    .listener(new DriverClientListener()
                    {
                        @Override
                        public void onDriverShutdown(final ShutdownReason reason, final String message)
                        {
                            shutdown.set(reason);
                        }
                    })))
                {
                    final DriverAttachment attachment = client.attach(Duration.ofSeconds(60));
                    assertTrue(attachment.layout().headerRegionUri().contains(
                        base.resolve("tensorpool/standalone-stream-10005/epoch-").toString()));
                    assertTrue(Files.readString(log).contains("tensorpool driver running: instance=standalone"));

                    process.destroy();
                    Await.until("ShmDriverShutdown after SIGTERM", Duration.ofSeconds(30),
                        () -> shutdown.get() != null, client::doWork);
                    assertEquals(ShutdownReason.NORMAL, shutdown.get());
                    assertNull(client.attachment());
                }
                assertTrue(process.waitFor(30, TimeUnit.SECONDS), "driver process exits after SIGTERM");
                assertTrue(Files.readString(log).contains("tensorpool driver stopped"), Files.readString(log));
            }
            finally
            {
                process.destroyForcibly();
            }
        }
        finally
        {
            Files.deleteIfExists(config);
            Files.deleteIfExists(log);
            StreamRegionFiles.deleteRecursively(base);
        }
    }

    @Test
    void invalidConfigurationExitsWithTwoAndNamesTheKey() throws Exception
    {
        final Path config = Files.createTempFile("tp-driver-bad-", ".toml");
        try
        {
            Files.writeString(config, "[profiles.p]\nheader_nslots = 3\n" +
                "payload_pools = [ { pool_id = 1, stride_bytes = 4096 } ]\n");
            final java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            final java.io.PrintStream saved = System.err;
            final int code;
            try
            {
                System.setErr(new java.io.PrintStream(err, true));
                code = new picocli.CommandLine(new ShmDriverMain()).execute("--config", config.toString());
            }
            finally
            {
                System.setErr(saved);
            }
            assertEquals(2, code);
            assertTrue(err.toString().contains("profiles.p.header_nslots = 3"), err.toString());
        }
        finally
        {
            Files.deleteIfExists(config);
        }
    }
}
