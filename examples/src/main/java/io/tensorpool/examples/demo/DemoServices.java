package io.tensorpool.examples.demo;

import io.aeron.Aeron;
import io.tensorpool.client.EmbeddedMediaDriver;
import io.tensorpool.discovery.DiscoveryProvider;
import io.tensorpool.discovery.DriverFeed;
import io.tensorpool.driver.ShmDriver;
import io.tensorpool.driver.ShmDriverLauncher;
import io.tensorpool.shm.StreamRegionFiles;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a single host runs besides the applications: an embedded Aeron media driver, the SHM driver and its
 * embedded discovery provider, with region files in a private directory under /dev/shm that is removed on close.
 */
final class DemoServices implements AutoCloseable
{
    static final String DRIVER_INSTANCE_ID = "demo-driver";

    private final Path baseDir;
    private final EmbeddedMediaDriver mediaDriver;
    private final Aeron aeron;
    private final ShmDriverLauncher driver;
    private final AgentRunner discovery;

    DemoServices() throws IOException
    {
        baseDir = Files.createDirectories(Path.of("/dev/shm", "tensorpool-demo-" + ProcessHandle.current().pid()));
        EmbeddedMediaDriver md = null;
        Aeron client = null;
        ShmDriverLauncher launcher = null;
        try
        {
            md = EmbeddedMediaDriver.launch();
            client = md.connect();
            launcher = ShmDriverLauncher.launch(new ShmDriver.Context()
                .aeron(client)
                .instanceId(DRIVER_INSTANCE_ID)
                .shmBaseDir(Files.createDirectories(baseDir.resolve("driver"))));
            final DiscoveryProvider provider = new DiscoveryProvider(new DiscoveryProvider.Context()
                .aeron(client)
                .addFeed(DriverFeed.local(DRIVER_INSTANCE_ID)));
            discovery = new AgentRunner(new BackoffIdleStrategy(), Throwable::printStackTrace, null, provider);
            AgentRunner.startOnThread(discovery);
        }
        catch (final RuntimeException | IOException ex)
        {
            CloseHelper.quietCloseAll(launcher, client, md);
            StreamRegionFiles.deleteRecursively(baseDir);
            throw ex;
        }
        mediaDriver = md;
        aeron = client;
        driver = launcher;
    }

    String aeronDirectoryName()
    {
        return mediaDriver.aeronDirectoryName();
    }

    /** Where the SHM driver creates regions. */
    Path driverDir()
    {
        return baseDir.resolve("driver");
    }

    /** Where standalone producers of this demo put their regions. */
    Path standaloneDir() throws IOException
    {
        return Files.createDirectories(baseDir.resolve("standalone"));
    }

    /** Every directory a consumer of this demo may map regions from. */
    List<Path> allowedBaseDirs()
    {
        return List.of(baseDir);
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(discovery, driver, aeron, mediaDriver);
        StreamRegionFiles.deleteRecursively(baseDir);
    }
}
