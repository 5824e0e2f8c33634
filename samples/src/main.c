int a_calls_b(int v);

int main(void)
{
	return a_calls_b(1); /* main.c:5 */
}
