"""Executes Jupyter notebooks with nbclient and writes them with their outputs.

Usage: python3 execute.py [--timeout S] IN.ipynb OUT.ipynb [IN OUT ...]

Every notebook runs in its own kernel (the one its metadata names), all of them at once, each with
the notebook's folder as its working directory. Exits 1 if a notebook could not be executed.

Deno's kernel (2.x) can publish a cell's execute_result after it has reported the cell idle: the
result is sent from JavaScript, asynchronously, and the message leaves only when the kernel next
runs its event loop. nbclient stops listening to a cell at idle and would drop it (seen on about one
cell in six on a loaded machine). So this client keeps every executed cell's message id, files a
late message under the cell it belongs to, and after the last cell runs one silent no-op to flush
whatever is still pending.
"""
import asyncio
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async


class LateOutputClient(NotebookClient):
    def __init__(self, nb, **kw):
        super().__init__(nb, **kw)
        self.cells_by_msg = {}

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.cells_by_msg[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            owner = msg['parent_header'].get('msg_id')
            if owner == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return
            else:
                self.file_late(msg, owner)

    def file_late(self, msg, owner):
        if owner in self.cells_by_msg and msg['msg_type'] not in ('status', 'execute_input'):
            late_cell, index = self.cells_by_msg[owner]
            try:
                self.process_message(msg, late_cell, index)
            except CellExecutionComplete:
                pass

    async def flush(self):
        msg_id = await ensure_async(self.kc.execute('undefined', silent=True, store_history=False))
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.timeout))
            owner = msg['parent_header'].get('msg_id')
            if owner == msg_id:
                if msg['msg_type'] == 'status' and msg['content']['execution_state'] == 'idle':
                    break
            else:
                self.file_late(msg, owner)
        # Anything published while the no-op ran has arrived by now; take it without waiting.
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=0.2))
            except Exception:
                return
            self.file_late(msg, msg['parent_header'].get('msg_id'))

    async def run(self):
        self.reset_execution_trackers()
        async with self.async_setup_kernel():
            info = await self.async_wait_for_reply(await ensure_async(self.kc.kernel_info()))
            if info is not None and 'language_info' in info['content']:
                self.nb.metadata['language_info'] = info['content']['language_info']
            for index, cell in enumerate(self.nb.cells):
                await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
            await self.flush()
        return self.nb


async def execute(src, dst, timeout):
    nb = nbformat.read(src, as_version=4)
    folder = os.path.dirname(os.path.abspath(src))
    client = LateOutputClient(nb, timeout=timeout, record_timing=False, resources={'metadata': {'path': folder}})
    try:
        await client.run()
    finally:
        nbformat.write(nb, dst)


async def main(argv):
    timeout = 300
    if argv[:1] == ['--timeout']:
        timeout, argv = int(argv[1]), argv[2:]
    if len(argv) < 2 or len(argv) % 2:
        print('usage: execute.py [--timeout S] IN.ipynb OUT.ipynb [IN OUT ...]', file=sys.stderr)
        return 2
    pairs = list(zip(argv[0::2], argv[1::2]))
    results = await asyncio.gather(*(execute(s, d, timeout) for s, d in pairs), return_exceptions=True)
    failed = [(s, r) for (s, _), r in zip(pairs, results) if isinstance(r, BaseException)]
    for s, r in failed:
        print(f'{s}: {type(r).__name__}: {str(r).strip().splitlines()[-1] if str(r).strip() else ""}', file=sys.stderr)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(asyncio.run(main(sys.argv[1:])))
