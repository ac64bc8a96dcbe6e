"""The hall display board (叫号屏): GET /board — one static page (static/board.html, .js, .css)
that reads /board/state once and then follows the public event stream
(/api/v1/events?public=1). No token, no personal data: numbers, windows and counts only."""
