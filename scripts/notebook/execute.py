"""Executes Jupyter notebooks with nbclient and writes them with their outputs.

Usage: python3 execute.py [--timeout S] IN.ipynb OUT.ipynb [IN OUT ...]

Every notebook runs in its own kernel (the one its metadata names), all of them at once, each with
the notebook's folder as its working directory. Exits 1 if a notebook could not be executed.

Deno's kernel (2.9) publishes on iopub from a queue it drains concurrently, stamping each message
with the request being handled when the message leaves, not when it was made. So an output can
leave after its cell reported idle — under that cell's id, or, once the next request has arrived,
under the next cell's (seen in Jupyter Notebook's Run All; a cell's last value is the most exposed,
as the kernel formats it after the cell has run). This client therefore follows each code cell with
a silent request that displays a sentinel through the same queue, and waits for the sentinel: every
output made by the cell has left by then, and whatever arrives under the sentinel's request, or late
under the cell's own, is filed under the cell.
"""
import asyncio
import os
import sys

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete
from nbclient.util import ensure_async


SENTINEL = 'backprop:sync'
SENTINEL_CODE = 'await Deno.jupyter.display({ "text/plain": "%s" }, { raw: true })' % SENTINEL


class SyncedClient(NotebookClient):
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
            cell, index = self.cells_by_msg[owner]
            self.process_message(msg, cell, index)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        if cell.cell_type == 'code' and cell.source.strip():
            await self.sync(cell, cell_index)
        return cell

    async def sync(self, cell, cell_index):
        msg_id = await ensure_async(self.kc.execute(SENTINEL_CODE, silent=True, store_history=False))
        self.cells_by_msg[msg_id] = (cell, cell_index)
        sentinel = idle = False
        while not (sentinel and idle):
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=self.timeout))
            owner, kind = msg['parent_header'].get('msg_id'), msg['msg_type']
            if owner == msg_id and kind == 'status':
                idle = idle or msg['content']['execution_state'] == 'idle'
            elif kind == 'display_data' and msg['content']['data'].get('text/plain') == SENTINEL:
                sentinel = True
            else:
                self.file_late(msg, owner)

    async def run(self):
        self.reset_execution_trackers()
        async with self.async_setup_kernel():
            info = await self.async_wait_for_reply(await ensure_async(self.kc.kernel_info()))
            if info is not None and 'language_info' in info['content']:
                self.nb.metadata['language_info'] = info['content']['language_info']
            for index, cell in enumerate(self.nb.cells):
                await self.async_execute_cell(cell, index, execution_count=self.code_cells_executed + 1)
        return self.nb


async def execute(src, dst, timeout):
    nb = nbformat.read(src, as_version=4)
    folder = os.path.dirname(os.path.abspath(src))
    client = SyncedClient(nb, timeout=timeout, record_timing=False, resources={'metadata': {'path': folder}})
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
