"""The publisher thread: what it is given is published in order, off the caller's thread;
a failure does not stop it; a forked child gets a thread of its own."""

import os
import threading

from notifications.publisher import BackgroundPublisher


def test_batches_are_published_off_the_callers_thread_in_order_and_a_failure_does_not_stop_it():
    seen, threads = [], set()

    def publish(ids):
        threads.add(threading.get_ident())
        if ids == [2]:
            raise ConnectionError("broker down")
        seen.append(ids)

    publisher = BackgroundPublisher(publish, name="test-publisher")
    for batch in ([1], [2], [3, 4]):
        publisher.submit(batch)
    assert publisher.wait(10)
    assert seen == [[1], [3, 4]]
    assert threading.get_ident() not in threads and len(threads) == 1


def test_a_caller_never_waits_for_a_publish_that_hangs():
    release = threading.Event()
    publisher = BackgroundPublisher(lambda ids: release.wait(30), name="test-hung")
    publisher.submit([1])
    publisher.submit([2])  # returns at once although the first publish hangs
    assert not publisher.wait(0.2)
    release.set()
    assert publisher.wait(10)


def test_a_forked_child_publishes_with_a_thread_of_its_own():
    read, write = os.pipe()

    def publish(ids):
        os.write(write, f"{os.getpid()}:{ids[0]};".encode())

    publisher = BackgroundPublisher(publish, name="test-fork")
    publisher.submit([1])
    assert publisher.wait(10)
    pid = os.fork()
    if pid == 0:  # the child: the parent's thread is not here; a new one must start
        try:
            publisher.submit([2])
            os._exit(0 if publisher.wait(10) else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    os.close(write)
    written = b""
    while chunk := os.read(read, 1024):
        written += chunk
    os.close(read)
    assert os.waitstatus_to_exitcode(status) == 0
    assert written.decode() == f"{os.getpid()}:1;{pid}:2;"
