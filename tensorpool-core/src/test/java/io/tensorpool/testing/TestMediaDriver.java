package io.tensorpool.testing;

import io.aeron.Aeron;
import io.tensorpool.client.EmbeddedMediaDriver;

/**
 * An embedded Aeron media driver in a unique directory under /dev/shm, deleted on start and close, plus helpers to
 * connect clients. Every test that needs Aeron owns one and closes it.
 */
public final class TestMediaDriver implements AutoCloseable
{
    private final EmbeddedMediaDriver driver;

    private TestMediaDriver(final EmbeddedMediaDriver driver)
    {
        this.driver = driver;
    }

    public static TestMediaDriver launch()
    {
        return new TestMediaDriver(EmbeddedMediaDriver.launch("tp-test-aeron-", true));
    }

    public String aeronDirectoryName()
    {
        return driver.aeronDirectoryName();
    }

    /** A new Aeron client connected to this driver; the caller closes it. */
    public Aeron connect()
    {
        return driver.connect();
    }

    @Override
    public void close()
    {
        driver.close();
    }
}
