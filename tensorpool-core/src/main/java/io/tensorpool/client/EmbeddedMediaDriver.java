package io.tensorpool.client;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import io.tensorpool.shm.StreamRegionFiles;

import java.io.File;
import java.nio.file.Path;
import java.util.UUID;

/**
 * An Aeron media driver running inside this JVM, for demos, tests and single-process deployments. Each instance uses
 * a unique directory under {@code /dev/shm} (or the temp directory when /dev/shm is absent) which is deleted on start
 * and on {@link #close()}. Production deployments run a standalone media driver instead.
 */
public final class EmbeddedMediaDriver implements AutoCloseable
{
    private final MediaDriver driver;
    private final String aeronDirectoryName;

    private EmbeddedMediaDriver(final MediaDriver driver)
    {
        this.driver = driver;
        this.aeronDirectoryName = driver.aeronDirectoryName();
    }

    /** Launch a driver with SHARED threading and 4 MiB IPC terms in a fresh unique directory. */
    public static EmbeddedMediaDriver launch()
    {
        return launch("tensorpool-aeron-", false);
    }

    /**
     * Launch a driver with SHARED threading and 4 MiB IPC terms in a fresh directory {@code <prefix><uuid>} under
     * /dev/shm (or java.io.tmpdir where there is none).
     *
     * @param spiesSimulateConnection let a publication count as connected with only a spy subscribed (tests).
     */
    public static EmbeddedMediaDriver launch(final String directoryPrefix, final boolean spiesSimulateConnection)
    {
        final File shm = new File("/dev/shm");
        final File parent = shm.isDirectory() ? shm : new File(System.getProperty("java.io.tmpdir"));
        return new EmbeddedMediaDriver(MediaDriver.launchEmbedded(
            context(parent, directoryPrefix).spiesSimulateConnection(spiesSimulateConnection)));
    }

    /**
     * Launch a driver like {@link #launch()} whose files live under {@code parentDir} and are sized in whole pages of
     * {@code filePageSize}: with a hugetlbfs mount and its hugepage size, Aeron's log buffers sit on hugepages too.
     * Storage checks are off there (hugetlbfs reports no usable space to {@code statfs}-based checks).
     */
    public static EmbeddedMediaDriver launchIn(final Path parentDir, final String directoryPrefix, final int filePageSize)
    {
        final MediaDriver.Context ctx = context(parentDir.toFile(), directoryPrefix).filePageSize(filePageSize);
        if (filePageSize > 4096)
        {
            ctx.performStorageChecks(false);
        }
        return new EmbeddedMediaDriver(MediaDriver.launchEmbedded(ctx));
    }

    private static MediaDriver.Context context(final File parent, final String directoryPrefix)
    {
        final String dir = new File(parent, directoryPrefix + UUID.randomUUID()).getAbsolutePath();
        return new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .ipcTermBufferLength(4 * 1024 * 1024)
            .publicationTermBufferLength(4 * 1024 * 1024);
    }

    /** The driver's directory, for {@code Aeron.Context.aeronDirectoryName}. */
    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /** Connect a new Aeron client to this driver (errors logged, never ending the JVM); the caller closes it. */
    public Aeron connect()
    {
        return LoggingAeronClients.connect(aeronDirectoryName, "embedded media driver client");
    }

    /** Stop the driver and delete its directory. */
    @Override
    public void close()
    {
        CloseHelper.close(driver);
        // never IoUtil.delete: it follows symlinks out of the directory
        StreamRegionFiles.deleteRecursively(java.nio.file.Path.of(aeronDirectoryName));
    }
}
