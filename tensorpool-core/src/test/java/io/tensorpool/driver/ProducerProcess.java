package io.tensorpool.driver;

import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.shm.StreamRegions;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child process for {@link ProducerCrashRecoveryTest}: attaches as producer, maps the regions writable, then keeps its
 * lease alive until killed. Args: aeron directory, stream id, region base dir.
 */
public final class ProducerProcess
{
    private ProducerProcess()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        try (DriverClient client = new DriverClient(new DriverClient.Context()
            .aeronDirectoryName(args[0])
            .streamId(Integer.parseInt(args[1]))
            .role(Role.PRODUCER)
            .publishMode(PublishMode.EXISTING_OR_CREATE)))
        {
            final DriverAttachment attachment = client.attach(Duration.ofSeconds(20));
            try (StreamRegions regions = StreamRegionFiles.map(attachment.layout(),
                RegionPathPolicy.of(Path.of(args[2])), true))
            {
                System.out.println("ATTACHED epoch=" + regions.epoch() + " lease=" + attachment.leaseId());
                System.out.flush();
                while (true)
                {
                    if (client.doWork() == 0)
                    {
                        Thread.sleep(1);
                    }
                }
            }
        }
    }
}
