namespace ItsmWorkflows.Engine.Execution;

/// <summary>A resume named a bookmark the instance no longer has: it was consumed already or the instance moved on.</summary>
public sealed class BookmarkNotFoundException : Exception
{
    public BookmarkNotFoundException(string message) : base(message) { }

    public BookmarkNotFoundException(string message, Exception inner) : base(message, inner) { }

    public BookmarkNotFoundException() { }
}
