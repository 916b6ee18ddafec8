package io.tensorpool.testing;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.*;

class TestMediaDriverTest
{
    @Test
    void deliversOverIpcAndCleansUpItsDirectory()
    {
        final String dir;
        try (TestMediaDriver driver = TestMediaDriver.launch(); Aeron aeron = driver.connect();
            Publication pub = aeron.addPublication("aeron:ipc", 1001);
            Subscription sub = aeron.addSubscription("aeron:ipc", 1001))
        {
            dir = driver.aeronDirectoryName();
            final UnsafeBuffer msg = new UnsafeBuffer(new byte[8]);
            msg.putLong(0, 77L);
            Await.until("publication connected", pub::isConnected);
            Await.until("offer accepted", () -> pub.offer(msg) > 0);
            final AtomicInteger seen = new AtomicInteger();
            Await.until("message received", () -> seen.get() == 77,
                () -> sub.poll((b, o, l, h) -> seen.set((int)b.getLong(o)), 10));
        }
        assertFalse(new File(dir).exists());
    }
}
