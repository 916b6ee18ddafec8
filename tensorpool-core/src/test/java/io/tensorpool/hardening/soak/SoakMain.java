package io.tensorpool.hardening.soak;

import io.tensorpool.hardening.ChildJvm;
import io.tensorpool.hardening.DriverProcessMain;
import io.tensorpool.shm.StreamRegionFiles;
import io.tensorpool.testing.TestMediaDriver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Bounded soak run: an embedded media driver here, the SHM driver, one producer and {@code consumers} consumers each in
 * its own JVM, optionally a further {@link Participant} (a Flink job); every few seconds a random one of them is
 * SIGKILLed and restarted. At the end it
 * prints frames published and delivered, drops, recoveries, and frames delivered with wrong bytes (must be 0).
 * <p>
 * Usage: {@code SoakMain [seconds=120] [consumers=3] [killEverySeconds=10]} (see docs/hardening.md).
 */
public final class SoakMain
{
    private SoakMain()
    {
    }

    /** One child process and the last STATS line it printed (read on a daemon thread). */
    private static final class Child
    {
        final String role;
        final ChildJvm jvm;
        volatile String lastStats = "";

        Child(final String role, final ChildJvm jvm)
        {
            this.role = role;
            this.jvm = jvm;
            final Thread reader = new Thread(() ->
            {
                try
                {
                    String line;
                    while ((line = jvm.awaitLine("STATS")) != null)
                    {
                        lastStats = line;
                    }
                }
                catch (final IOException ignore)
                {
                    // the process died
                }
            }, "soak-" + role);
            reader.setDaemon(true);
            reader.start();
        }
    }

    /**
     * Another participant of the soak run, e.g. a Flink job reading the soak stream (the connector's
     * {@code TensorPoolSourceSoakTest}). It takes part in the random kills like the processes.
     */
    public interface Participant
    {
        /** Name in logs and totals. */
        String name();

        /** Start, once the media driver, SHM driver, producer and consumers run. */
        void start(String aeronDirectoryName, Path baseDir) throws Exception;

        /** The random kill chose this participant: fail it abruptly (it must recover by itself). */
        void kill() throws Exception;

        /** Stop at the end of the run, before the processes and the media driver go away. */
        void stop() throws Exception;
    }

    public static void main(final String[] args) throws Exception
    {
        final Map<String, Long> result = run(
            args.length > 0 ? Integer.parseInt(args[0]) : 120,
            args.length > 1 ? Integer.parseInt(args[1]) : 3,
            args.length > 2 ? Integer.parseInt(args[2]) : 10,
            null);
        System.out.println("SOAK RESULT " + result);
        System.exit(result.get("badFrames") == 0 ? 0 : 1);
    }

    /**
     * Run the soak; returns the totals (badFrames must be 0). Every {@code killEverySeconds} one victim is chosen at
     * random among the producer, the consumers, the SHM driver and {@code participant}: processes are SIGKILLed and
     * started again (the driver on the same base directory, so clients must reattach to a new driver instance).
     *
     * @param participant optional extra participant, or null.
     */
    public static Map<String, Long> run(
        final int seconds, final int consumers, final int killEverySeconds, final Participant participant)
        throws Exception
    {
        final Path base = Path.of("/dev/shm", "tp-soak-" + UUID.randomUUID());
        final Map<String, Long> totals = new HashMap<>();
        try (TestMediaDriver media = TestMediaDriver.launch())
        {
            final String aeronDir = media.aeronDirectoryName();
            ChildJvm driver = startDriver(aeronDir, base);
            Child producer = new Child("producer", ChildJvm.start(SoakClients.Producer.class, aeronDir,
                base.toString()));
            final List<Child> consumerList = new ArrayList<>();
            for (int i = 0; i < consumers; i++)
            {
                consumerList.add(new Child("consumer-" + i, ChildJvm.start(SoakClients.Consumer.class, aeronDir,
                    base.toString())));
            }
            if (participant != null)
            {
                participant.start(aeronDir, base);
            }
            final long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long producerKills = 0;
            long consumerKills = 0;
            long driverKills = 0;
            long participantKills = 0;
            final int victims = consumers + 2 + (participant != null ? 1 : 0);
            while (System.nanoTime() < end)
            {
                Thread.sleep(TimeUnit.SECONDS.toMillis(killEverySeconds));
                if (System.nanoTime() >= end)
                {
                    break;
                }
                final int victim = ThreadLocalRandom.current().nextInt(victims);
                if (victim == consumers)
                {
                    add(totals, "published", producer.lastStats);
                    producer.jvm.kill();
                    producerKills++;
                    producer = new Child("producer", ChildJvm.start(SoakClients.Producer.class, aeronDir,
                        base.toString()));
                    System.out.println("killed and restarted the producer");
                }
                else if (victim == consumers + 1)
                {
                    driver.kill();
                    driverKills++;
                    driver = startDriver(aeronDir, base);
                    System.out.println("killed and restarted the SHM driver");
                }
                else if (victim == consumers + 2)
                {
                    participant.kill();
                    participantKills++;
                    System.out.println("killed " + participant.name());
                }
                else
                {
                    final Child c = consumerList.get(victim);
                    add(totals, "", c.lastStats);
                    c.jvm.kill();
                    consumerKills++;
                    consumerList.set(victim, new Child(c.role, ChildJvm.start(SoakClients.Consumer.class,
                        aeronDir, base.toString())));
                    System.out.println("killed and restarted " + c.role);
                }
            }
            // let the last incarnations print once more, then collect
            Thread.sleep(1500);
            if (participant != null)
            {
                participant.stop();
            }
            add(totals, "published", producer.lastStats);
            producer.jvm.kill();
            for (final Child c : consumerList)
            {
                add(totals, "", c.lastStats);
                c.jvm.kill();
            }
            driver.kill();
            totals.put("producerKills", producerKills);
            totals.put("consumerKills", consumerKills);
            totals.put("driverKills", driverKills);
            if (participant != null)
            {
                totals.put(participant.name() + "Kills", participantKills);
            }
        }
        finally
        {
            StreamRegionFiles.deleteRecursively(base);
        }
        totals.putIfAbsent("badFrames", 0L);
        return totals;
    }

    private static ChildJvm startDriver(final String aeronDir, final Path base) throws Exception
    {
        final ChildJvm driver = ChildJvm.start(DriverProcessMain.class, aeronDir, base.toString());
        if (driver.awaitLine("DRIVER READY") == null)
        {
            driver.close();
            throw new IllegalStateException("driver did not start");
        }
        return driver;
    }

    private static void add(final Map<String, Long> totals, final String only, final String stats)
    {
        for (final String part : stats.split(" "))
        {
            final int eq = part.indexOf('=');
            if (eq <= 0 || part.startsWith("epoch"))
            {
                continue;
            }
            final String key = part.substring(0, eq).equals("bad") ? "badFrames" :
                part.substring(0, eq).equals("good") ? "framesDelivered" : part.substring(0, eq);
            if (!only.isEmpty() && !only.equals(key))
            {
                continue;
            }
            totals.merge(key, Long.parseLong(part.substring(eq + 1)), Long::sum);
        }
    }
}
