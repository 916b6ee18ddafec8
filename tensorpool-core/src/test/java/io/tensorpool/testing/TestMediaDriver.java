package io.tensorpool.testing;

import io.aeron.Aeron;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.CloseHelper;
import io.tensorpool.shm.StreamRegionFiles;

import java.io.File;
import java.util.UUID;

/**
 * An embedded Aeron media driver in a unique directory under /dev/shm, deleted on start and close, plus helpers to
 * connect clients. Every test that needs Aeron owns one and closes it.
 */
public final class TestMediaDriver implements AutoCloseable
{
    private final MediaDriver driver;
    private final String aeronDirectoryName;

    private TestMediaDriver(final MediaDriver driver)
    {
        this.driver = driver;
        this.aeronDirectoryName = driver.aeronDirectoryName();
    }

    public static TestMediaDriver launch()
    {
        final String dir = new File("/dev/shm", "tp-test-aeron-" + UUID.randomUUID()).getAbsolutePath();
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .termBufferSparseFile(true)
            .ipcTermBufferLength(4 * 1024 * 1024)
            .publicationTermBufferLength(4 * 1024 * 1024)
            .spiesSimulateConnection(true);
        return new TestMediaDriver(MediaDriver.launchEmbedded(ctx));
    }

    public String aeronDirectoryName()
    {
        return aeronDirectoryName;
    }

    /** A new Aeron client connected to this driver; the caller closes it. */
    public Aeron connect()
    {
        return Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDirectoryName));
    }

    @Override
    public void close()
    {
        CloseHelper.close(driver);
        // never IoUtil.delete: it follows symlinks out of the directory
        StreamRegionFiles.deleteRecursively(java.nio.file.Path.of(aeronDirectoryName));
    }
}
