package io.tensorpool.examples.demo;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The demo pipeline with the core engine (no MiniCluster, to stay fast): media driver, SHM driver, discovery, camera,
 * job and report in one JVM, every result checked against its camera frame. The Flink engine is exercised by
 * ./demo.sh.
 */
class CameraDemoTest
{
    @Test
    void corePipelineDeliversResultsThatMatchTheirCameraFrames() throws Exception
    {
        assertTrue(CameraDemo.run("core", 30, 60), "the demo reports PASSED");
    }
}
