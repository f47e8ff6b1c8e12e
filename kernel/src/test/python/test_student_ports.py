"""alexlab-singleuser (deploy/jupyterhub/): a student's kernels get ports from the student's own range,
skip the ports something holds, and fall back to the system's picks when the range is used up."""
import importlib.machinery
import importlib.util
import os
import socket
import unittest

from jupyter_client.connect import LocalPortCache

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
LAUNCHER = os.path.join(REPO, "deploy", "jupyterhub", "alexlab-singleuser")


def load_launcher():
    loader = importlib.machinery.SourceFileLoader("alexlab_singleuser", LAUNCHER)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def free_range(length):
    """length consecutive ports below the system's range for outgoing connections that nothing holds."""
    launcher = load_launcher()
    for first in range(15000, 30000, 97):
        if all(launcher.is_free("127.0.0.1", port) for port in range(first, first + length)):
            return range(first, first + length)
    raise unittest.SkipTest("no free range of ports below 30000")


class StudentPortsTest(unittest.TestCase):
    def setUp(self):
        self.launcher = load_launcher()

    def tearDown(self):
        LocalPortCache.clear_instance()

    def test_ports_come_from_the_range_in_order_and_are_not_given_twice(self):
        own = free_range(6)
        cache = self.launcher.StudentPortCache(own_ports=own)
        picked = [cache.find_available_port("127.0.0.1") for _ in range(5)]
        self.assertEqual(picked, list(own)[:5])
        cache.return_port(own[2])
        self.assertEqual(cache.find_available_port("127.0.0.1"), own[2])
        self.assertEqual(cache.find_available_port("127.0.0.1"), own[5])

    def test_a_port_that_something_holds_is_skipped(self):
        own = free_range(3)
        with socket.socket() as holder:
            holder.bind(("127.0.0.1", own[0]))
            holder.listen()
            cache = self.launcher.StudentPortCache(own_ports=own)
            self.assertEqual(cache.find_available_port("127.0.0.1"), own[1])

    def test_a_used_up_range_falls_back_to_the_systems_pick(self):
        own = free_range(2)
        cache = self.launcher.StudentPortCache(own_ports=own)
        cache.find_available_port("127.0.0.1")
        cache.find_available_port("127.0.0.1")
        extra = cache.find_available_port("127.0.0.1")
        self.assertNotIn(extra, own)
        self.assertIn(extra, cache.currently_used_ports)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", extra))  # a real free port

    def test_the_provisioners_cache_is_the_students(self):
        own = free_range(5)
        self.launcher.StudentPortCache.instance(own_ports=own)
        self.assertIs(type(LocalPortCache.instance()), self.launcher.StudentPortCache)
        self.assertEqual(LocalPortCache.instance().find_available_port("127.0.0.1"), own[0])

    def test_the_range_is_read_from_first_to_last(self):
        self.assertEqual(self.launcher.port_range("20001-20024"), range(20001, 20025))
        for wrong in ("", "20001", "20024-20001", "a-b", "80-90", "60000-70000"):
            self.assertIsNone(self.launcher.port_range(wrong), wrong)


if __name__ == "__main__":
    unittest.main()
